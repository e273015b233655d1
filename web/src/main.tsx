import "dayjs/locale/zh-cn";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider } from "antd";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "./print.css";

dayjs.locale("zh-cn");

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 } },
});

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ConfigProvider
        locale={zhCN}
        button={{ autoInsertSpace: false }}
        // antd greys empty states below WCAG AA contrast.
        renderEmpty={() => <span style={{ color: "#595959" }}>暂无数据</span>}
        // Secondary text dark enough for WCAG AA contrast on white and on the page's grey.
        theme={{
          token: { colorPrimary: "#b71c1c", colorTextSecondary: "#595959", colorTextTertiary: "#595959" },
        }}
      >
        <AntApp>
          <QueryClientProvider client={queryClient}>
            <App />
          </QueryClientProvider>
        </AntApp>
      </ConfigProvider>
    </StrictMode>,
  );
}
