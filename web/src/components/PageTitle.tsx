import { Typography } from "antd";
import type { ReactNode } from "react";

/** A page's one heading (h2, under the app's h1), the same size on every page. */
export function PageTitle({ children }: { children: ReactNode }) {
  return (
    <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
      {children}
    </Typography.Title>
  );
}
