// The one place dates, money and shares are written for the planner: 2027年4月5日, ¥379,543, 85.0%.

const money = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });

/** A contract date (yyyy-mm-dd) as 2027年4月5日; read as written, never through a time zone. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!match) return iso;
  return `${match[1]}年${Number(match[2])}月${Number(match[3])}日`;
}

/** An ISO timestamp as its calendar day and time in Asia/Shanghai: 2027年4月5日 14:03. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${formatDate(`${part("year")}-${part("month")}-${part("day")}`)} ${part("hour")}:${part("minute")}`;
}

export function formatRange(range: { start: string; end: string } | null | undefined): string {
  return range ? `${formatDate(range.start)} 至 ${formatDate(range.end)}` : "—";
}

/** Yuan as ¥379,543 (fen shown only when there are any). */
export function formatMoney(yuan: number | null | undefined): string {
  if (yuan === null || yuan === undefined || Number.isNaN(yuan)) return "—";
  return `${yuan < 0 ? "-" : ""}¥${money.format(Math.abs(yuan))}`;
}

export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined) return "—";
  return `${(share * 100).toFixed(1)}%`;
}

/** Tier n as 第n档 (RULES.md §4). */
export function formatTier(tier: number | null | undefined): string {
  return tier ? `第${tier}档` : "—";
}
