// Honors as a person writes them: one column per kind, several honors in a cell separated by ";".
// 立功情况 "二等功;战时三等功", 表彰 "军委;市级", 先进军休干部 "省级", 荣誉称号 "是".

import type { Honor } from "../../solver/index.js";
import { type Cell, CellError, choices, joinList, names, show, splitList, writeChoice } from "./cells.js";

type Merit = Extract<Honor, { kind: "merit" }>;
type Commendation = Extract<Honor, { kind: "commendation" }>;
type Advanced = Extract<Honor, { kind: "advanced_cadre" }>;
type Title = Extract<Honor, { kind: "honorary_title" }>;

const CLASS_WORDS = ["一", "二", "三"] as const;
// 服役期间 (the default) or 移交后 (after transfer); 战时 counts one class higher (RULES.md §2).
const MERIT = /^(移交后|服役期间)?(战时)?([一二三123])等功$/;

function honorError(column: string, item: string, cell: Cell, expected: string): CellError {
  return new CellError(
    "INVALID_HONOR",
    `${column}中的「${item}」无法识别，应为${expected}（多项用分号分隔），整格为「${show(cell)}」`,
  );
}

export function readMerits(cell: Cell): Merit[] {
  return splitList(cell).map((item) => {
    const match = MERIT.exec(item);
    if (!match)
      throw honorError("立功情况", item, cell, "「一等功」「二等功」「三等功」，可加「战时」「移交后」前缀");
    const digit = match[3] ?? "";
    const index = CLASS_WORDS.indexOf(digit as (typeof CLASS_WORDS)[number]);
    const meritClass = (index >= 0 ? index + 1 : Number(digit)) as 1 | 2 | 3;
    return {
      kind: "merit",
      class: meritClass,
      wartime: match[2] !== undefined,
      period: match[1] === "移交后" ? "post_transfer" : "service",
    };
  });
}

export function writeMerit(honor: Merit): string {
  return `${honor.period === "post_transfer" ? "移交后" : ""}${honor.wartime ? "战时" : ""}${CLASS_WORDS[honor.class - 1]}等功`;
}

// Service commendations name military authorities, post-transfer ones party committees and governments, so
// the word alone tells the period.
export const SERVICE_COMMENDATION = names<"cmc" | "military_region" | "deputy_military_region" | "corps">([
  ["cmc", "军委", "中央军委", "军委级"],
  ["military_region", "大军区级", "大军区", "战区级", "战区"],
  ["deputy_military_region", "副大军区级", "副大军区", "副战区级", "副战区"],
  ["corps", "军级"],
]);
export const POST_TRANSFER_COMMENDATION = names<"national" | "provincial" | "city" | "county">([
  ["national", "国家级", "国家", "全国"],
  ["provincial", "省级", "省"],
  ["city", "市级", "市", "设区的市"],
  ["county", "县级", "县"],
]);

export function readCommendations(cell: Cell): Commendation[] {
  return splitList(cell).map((item) => {
    const word = item.replace(/(表彰|嘉奖)$/, "");
    const service = SERVICE_COMMENDATION.get(word);
    if (service !== undefined) return { kind: "commendation", period: "service", level: service };
    const postTransfer = POST_TRANSFER_COMMENDATION.get(word);
    if (postTransfer !== undefined)
      return { kind: "commendation", period: "post_transfer", level: postTransfer };
    throw honorError(
      "表彰",
      item,
      cell,
      `服役期间的${choices(SERVICE_COMMENDATION)}或移交后的${choices(POST_TRANSFER_COMMENDATION)}`,
    );
  });
}

export function writeCommendation(honor: Commendation): string {
  return honor.period === "service"
    ? writeChoice(honor.level, SERVICE_COMMENDATION)
    : writeChoice(honor.level, POST_TRANSFER_COMMENDATION);
}

export const ADVANCED_LEVEL = names<Advanced["level"]>([
  ["ministry", "部级", "部", "退役军人事务部"],
  ["provincial", "省级", "省"],
  ["city", "市级", "市"],
  ["county", "县级", "县"],
]);

export function readAdvanced(cell: Cell): Advanced[] {
  return splitList(cell).map((item) => {
    const level = ADVANCED_LEVEL.get(item.replace(/(先进军休干部|优秀军休干部|先进|优秀)$/, ""));
    if (level === undefined) throw honorError("先进军休干部", item, cell, choices(ADVANCED_LEVEL));
    return { kind: "advanced_cadre", level };
  });
}

export const writeAdvanced = (honor: Advanced): string => writeChoice(honor.level, ADVANCED_LEVEL);

const TITLE = names<"service" | "post_transfer">([
  ["service", "是", "有", "荣誉称号", "服役期间"],
  ["post_transfer", "移交后"],
]);

/** 是 for a title earned in service, 移交后 for one after transfer; one word per title. */
export function readTitles(cell: Cell): Title[] {
  return splitList(cell).flatMap((item): Title[] => {
    if (item === "否") return [];
    const period = TITLE.get(item);
    if (period === undefined) throw honorError("荣誉称号", item, cell, "「是」「否」或「移交后」");
    return [{ kind: "honorary_title", period }];
  });
}

export const writeTitle = (honor: Title): string => (honor.period === "post_transfer" ? "移交后" : "是");

/** The honors of one kind, written as their column shows them. */
export function writeHonors<K extends Honor["kind"]>(
  honors: readonly Honor[] | undefined,
  kind: K,
  write: (honor: Extract<Honor, { kind: K }>) => string,
): string | undefined {
  const own = (honors ?? []).filter((h): h is Extract<Honor, { kind: K }> => h.kind === kind);
  return own.length === 0 ? undefined : joinList(own.map(write));
}
