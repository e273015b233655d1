// The roster's three sheets, column by column: header, the contract field it fills, how a cell is read and
// written, and the 说明 text. The template, the import, the export and the 说明 sheet all come from here.

import type { Cadre, HistoryEntry, Staff, Venue } from "../../solver/index.js";
import {
  type Cell,
  CellError,
  choices,
  joinList,
  names,
  readBoolean,
  readChoice,
  readDate,
  readId,
  readNumber,
  readRanges,
  readText,
  show,
  splitList,
  writeBoolean,
  writeChoice,
  writeRanges,
} from "./cells.js";
import {
  readAdvanced,
  readCommendations,
  readMerits,
  readTitles,
  writeAdvanced,
  writeCommendation,
  writeHonors,
  writeMerit,
  writeTitle,
} from "./honors.js";

/** One item (cadre, staff member, venue) as the import builds it, before the contract's schema checks it. */
export type Item = Record<string, unknown>;

export type Written = string | number | undefined;

export interface Column<T> {
  header: string;
  /** JSON Pointer inside one item of the field the column fills: problems there are reported at this column. */
  path: string;
  required?: boolean;
  /** A 是/否 column: there 无 means 否; elsewhere 无 leaves the cell blank. */
  boolean?: boolean;
  /** For the 说明 sheet and the header's note: format and allowed values. */
  format: string;
  example: string;
  width: number;
  /** A dropdown in the template (single-valued columns only). */
  list?: readonly string[];
  read(cell: Cell, item: Item): void;
  write(item: T): Written;
}

export interface SheetSpec<T> {
  key: "cadres" | "staff" | "venues";
  /** The worksheet's name, which is also how problems name the sheet. */
  name: string;
  /** What one row is, for messages. */
  noun: string;
  columns: readonly Column<T>[];
  /** Fills what a group of columns implies once every cell of the row is read. */
  finish?(item: Item): void;
}

function pointerKeys(pointer: string): string[] {
  return pointer.split("/").slice(1);
}

export function getPath(item: Item, pointer: string): unknown {
  let node: unknown = item;
  for (const key of pointerKeys(pointer)) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function setPath(item: Item, pointer: string, value: unknown): void {
  const keys = pointerKeys(pointer);
  const last = keys.pop() as string;
  let node = item;
  for (const key of keys) {
    const next = node[key];
    if (typeof next === "object" && next !== null) node = next as Item;
    else {
      const created: Item = {};
      node[key] = created;
      node = created;
    }
  }
  node[last] = value;
}

function append(item: Item, pointer: string, values: readonly unknown[]): void {
  const existing = getPath(item, pointer);
  setPath(item, pointer, [...(Array.isArray(existing) ? existing : []), ...values]);
}

type Doc = Pick<Column<unknown>, "format" | "example"> &
  Partial<Pick<Column<unknown>, "required" | "width" | "list">>;

function field<T>(
  header: string,
  path: string,
  reader: (cell: Cell) => unknown,
  writer: (item: T) => Written,
  doc: Doc,
): Column<T> {
  return {
    header,
    path,
    width: 12,
    ...doc,
    read: (cell, item) => setPath(item, path, reader(cell)),
    write: writer,
  };
}

const YES_NO = ["是", "否"] as const;
const BOOLEAN_FORMAT = "是 / 否（也可填 Y/N、TRUE/FALSE、1/0）";

function yesNo<T>(
  header: string,
  path: string,
  writer: (item: T) => boolean | undefined,
  doc: Doc,
): Column<T> {
  return {
    ...field(
      header,
      path,
      readBoolean,
      (item: T) => {
        const value = writer(item);
        return value === undefined ? undefined : writeBoolean(value);
      },
      doc,
    ),
    boolean: true,
    list: YES_NO,
  };
}

const RANGE_FORMAT =
  "日期段 开始~结束，多段用分号分隔；单独一个日期表示那一天。日期写作 yyyy-mm-dd（也可 2027/7/1、2027年7月1日）";

const dateDoc = (what: string, required = false): Doc => ({
  format: `${what}，yyyy-mm-dd（也可 2027/7/1、2027年7月1日，或 Excel 日期格式）`,
  example: "1950-03-12",
  required,
  width: 13,
});

const idDoc = (noun: string): Doc => ({
  format: `${noun}编号，工作表内不得重复；纯数字编号请保留为文本（模板已设为文本格式）`,
  example: noun === "军休干部" ? "C00001" : noun === "服务保障人员" ? "S001" : "V01",
  required: true,
  width: 10,
});

const text = (value: string | null | undefined): Written =>
  value === null || value === "" ? undefined : value;

const GENDER = names<"M" | "F">([
  ["M", "男", "m"],
  ["F", "女", "f"],
]);

const CATEGORY = names<Cadre["category"]>([
  [
    "retired_cadre",
    "离退休干部",
    "离休干部",
    "退休干部",
    "离休退休干部",
    "军休干部",
    "干部",
    "retired_cadre",
  ],
  [
    "retired_nco",
    "退休军(警)士",
    "退休军士",
    "退休军警士",
    "军(警)士",
    "军士",
    "退休士官",
    "士官",
    "retired_nco",
  ],
]);

const NOMINEE = names<"ministerial" | "provincial">([
  ["ministerial", "部级"],
  ["provincial", "省级"],
]);

const GROUNDS = names<"combat" | "disability_war" | "disability_duty" | "service_length">([
  ["combat", "参战"],
  ["disability_war", "因战致残"],
  ["disability_duty", "因公致残"],
  ["service_length", "服役时长", "服役年限"],
]);

const APPROVED_BY = names<"management_committee" | "party_group">([
  ["management_committee", "管委会", "军休干部管委会"],
  ["party_group", "局党组", "党组"],
]);

const HISTORY_LEVEL = names<HistoryEntry["level"]>([
  ["ministerial", "部级"],
  ["provincial", "省级"],
  ["city", "市级"],
  ["county", "县级"],
]);

const OWNERSHIP = names<Venue["ownership"]>([
  ["system", "自有", "系统自有", "system"],
  ["contracted", "购买服务", "协议", "contracted"],
]);

const QUALIFICATION = names<NonNullable<Staff["qualification"]>["type"]>([
  ["physician", "执业医师", "医师", "physician"],
  ["assistant_physician", "执业助理医师", "助理医师", "assistant_physician"],
  ["nurse", "护士", "执业护士", "nurse"],
  ["other", "其他", "other"],
]);

const WEEKDAY_WORDS = ["一", "二", "三", "四", "五", "六", "日"] as const;

function readWeekdays(cell: Cell): number[] {
  if (typeof cell === "number") return [cell];
  return splitList(cell).map((item) => {
    if (/^\d+$/.test(item)) return Number(item);
    const word = item
      .replace(/^(周|星期|礼拜)/, "")
      .replace("天", "日")
      .replace("七", "日");
    const index = WEEKDAY_WORDS.indexOf(word as (typeof WEEKDAY_WORDS)[number]);
    if (index < 0) {
      throw new CellError("INVALID_FORMAT", `出发星期应为「周一」…「周日」或 1…7，收到「${show(cell)}」`);
    }
    return index + 1;
  });
}

function writeWeekdays(days: readonly number[] | undefined): Written {
  if (!days || days.length === 0) return undefined;
  return joinList(days.map((d) => `周${WEEKDAY_WORDS[d - 1] ?? d}`));
}

// 周期:级别:开始~结束, e.g. 2025:市级:2025-05-12~2025-05-18; the end may be left off.
function readHistory(cell: Cell): HistoryEntry[] {
  return splitList(cell).map((item) => {
    const parts = item.split(":").map((part) => part.trim());
    const [cycleId, levelWord, dates] = parts;
    if (parts.length !== 3 || !cycleId || !levelWord || !dates) {
      throw new CellError(
        "INVALID_FORMAT",
        `疗养经历应写作「周期:级别:开始~结束」（如 2025:市级:2025-05-12~2025-05-18），收到「${show(cell)}」`,
      );
    }
    const level = readChoice(levelWord, HISTORY_LEVEL, "疗养级别");
    const [start, end, ...rest] = dates.split(/\s*(?:~|至|到)\s*/);
    if (rest.length > 0 || !start) throw new CellError("INVALID_RANGE", `疗养经历的日期「${dates}」无法识别`);
    const entry: HistoryEntry = { cycleId, level, start: readDate(start) };
    if (end === undefined) return entry;
    const last = readDate(end);
    if (entry.start > last) {
      throw new CellError("RANGE_START_AFTER_END", `疗养经历 ${entry.start}~${last} 的开始晚于结束`);
    }
    return { ...entry, end: last };
  });
}

function writeHistory(history: readonly HistoryEntry[] | undefined): Written {
  if (!history || history.length === 0) return undefined;
  return joinList(
    history.map(
      (h) =>
        `${h.cycleId}:${writeChoice(h.level, HISTORY_LEVEL)}:${h.end === undefined ? h.start : `${h.start}~${h.end}`}`,
    ),
  );
}

function honorColumn(
  header: string,
  reader: (cell: Cell) => unknown[],
  writer: (cadre: Cadre) => Written,
  doc: Doc,
): Column<Cadre> {
  return {
    header,
    path: "/honors",
    width: 18,
    ...doc,
    read: (cell, item) => append(item, "/honors", reader(cell)),
    write: writer,
  };
}

const listOf = <T>(values: readonly T[] | undefined, words: ReadonlyMap<string, T>): Written =>
  values === undefined || values.length === 0
    ? undefined
    : joinList(values.map((v) => writeChoice(v, words)));

export const CADRE_SHEET: SheetSpec<Cadre> = {
  key: "cadres",
  name: "军休干部",
  noun: "军休干部",
  columns: [
    field("编号", "/id", readId, (c) => c.id, idDoc("军休干部")),
    field("姓名", "/name", readText, (c) => text(c.name), { format: "姓名", example: "张三", width: 10 }),
    field(
      "性别",
      "/gender",
      (cell) => readChoice(cell, GENDER, "性别"),
      (c) => c.gender && writeChoice(c.gender, GENDER),
      {
        format: "男 / 女",
        example: "男",
        width: 6,
        list: ["男", "女"],
      },
    ),
    field(
      "类别",
      "/category",
      (cell) => readChoice(cell, CATEGORY, "类别"),
      (c) => writeChoice(c.category, CATEGORY),
      {
        format: `离退休干部 或 退休军(警)士（第十八条）；也接受 离休干部、退休干部、退休军士`,
        example: "离退休干部",
        required: true,
        width: 13,
        list: ["离退休干部", "退休军(警)士"],
      },
    ),
    field("省", "/placement/province", readText, (c) => c.placement.province, {
      format: "安置地省份，如 山东省",
      example: "山东省",
      required: true,
      width: 9,
    }),
    field("市", "/placement/city", readText, (c) => c.placement.city, {
      format: "安置地设区的市，如 济宁市",
      example: "济宁市",
      required: true,
      width: 9,
    }),
    field("区县", "/placement/county", readText, (c) => text(c.placement.county), {
      format: "安置地县（区）；县级组织时据此判断服务管理范围",
      example: "任城区",
      width: 9,
    }),
    field("军休所", "/placement/institution", readText, (c) => text(c.placement.institution), {
      format: "服务管理的军休所",
      example: "任城区军休所",
      width: 16,
    }),
    yesNo(
      "是否由退役军人事务部门管理",
      "/placement/managedByVeteranAffairs",
      (c) => c.placement.managedByVeteranAffairs,
      {
        format: `${BOOLEAN_FORMAT}（第二条）`,
        example: "是",
        required: true,
        width: 14,
      },
    ),
    field(
      "出生日期",
      "/birthDate",
      readDate,
      (c) => c.birthDate,
      dateDoc("出生日期，决定周岁（第七条）", true),
    ),
    honorColumn("立功情况", readMerits, (c) => writeHonors(c.honors, "merit", writeMerit), {
      format:
        "一等功 / 二等功 / 三等功，战时立功加「战时」（如 战时三等功），移交政府安置后立功加「移交后」；多项用分号分隔",
      example: "二等功;战时三等功",
    }),
    honorColumn("表彰", readCommendations, (c) => writeHonors(c.honors, "commendation", writeCommendation), {
      format:
        "表彰级别，多项用分号分隔。服役期间：军委 / 大军区级 / 副大军区级 / 军级；移交后（党委、政府）：国家级 / 省级 / 市级 / 县级",
      example: "军委;市级",
    }),
    honorColumn("先进军休干部", readAdvanced, (c) => writeHonors(c.honors, "advanced_cadre", writeAdvanced), {
      format: "先进（优秀）军休干部的评选级别：部级 / 省级 / 市级 / 县级；多项用分号分隔",
      example: "省级",
    }),
    honorColumn("荣誉称号", readTitles, (c) => writeHonors(c.honors, "honorary_title", writeTitle), {
      format: "获得荣誉称号填「是」，移交后获得填「移交后」；没有填「否」或留空",
      example: "是",
      width: 10,
    }),
    field(
      "推荐级别",
      "/nominee",
      (cell) => readChoice(cell, NOMINEE, "推荐级别"),
      (c) => (c.nominee ? writeChoice(c.nominee, NOMINEE) : undefined),
      {
        format: "符合部级或省级疗养条件的（第八条第二款）：部级 / 省级；否则留空",
        example: "省级",
        width: 10,
        list: ["部级", "省级"],
      },
    ),
    field(
      "扩大范围依据",
      "/countyExpansion/grounds",
      (cell) => splitList(cell).map((g) => readChoice(g, GROUNDS, "扩大范围依据")),
      (c) => (c.countyExpansion ? listOf(c.countyExpansion.grounds, GROUNDS) : undefined),
      {
        format: `县级扩大范围的依据（第四条第二款）：${choices(GROUNDS)}，多项用分号分隔。扩大范围四列全部留空表示没有扩大范围记录`,
        example: "参战;因公致残",
        width: 14,
      },
    ),
    field(
      "扩大范围审批",
      "/countyExpansion/approvedBy",
      (cell) => readChoice(cell, APPROVED_BY, "扩大范围审批"),
      (c) =>
        c.countyExpansion?.approvedBy ? writeChoice(c.countyExpansion.approvedBy, APPROVED_BY) : undefined,
      {
        format: "研究通过的机构：管委会（军休干部管委会）/ 局党组；尚未通过留空",
        example: "管委会",
        width: 12,
        list: ["管委会", "局党组"],
      },
    ),
    field(
      "扩大范围公示结束日期",
      "/countyExpansion/publicNoticeEnded",
      readDate,
      (c) => c.countyExpansion?.publicNoticeEnded ?? undefined,
      {
        ...dateDoc("公示结束日期；公示未结束留空"),
        example: "2026-12-20",
      },
    ),
    yesNo(
      "扩大范围是否有异议",
      "/countyExpansion/objection",
      (c) => (c.countyExpansion ? (c.countyExpansion.objection ?? false) : undefined),
      {
        format: `公示期间是否有异议：${BOOLEAN_FORMAT}；有扩大范围记录时留空按「否」`,
        example: "否",
        width: 10,
      },
    ),
    yesNo(
      "传染病",
      "/health/infectiousDisease",
      (c) => (c.health ? (c.health.infectiousDisease ?? false) : undefined),
      {
        format: `健康申报（第七条、第十七条）：是否患有传染病，${BOOLEAN_FORMAT}。三项健康申报全部留空表示未申报`,
        example: "否",
        width: 8,
      },
    ),
    yesNo(
      "精神疾病",
      "/health/mentalIllness",
      (c) => (c.health ? (c.health.mentalIllness ?? false) : undefined),
      {
        format: `健康申报：是否患有精神疾病，${BOOLEAN_FORMAT}`,
        example: "否",
        width: 8,
      },
    ),
    yesNo(
      "危急重症",
      "/health/criticalIllness",
      (c) => (c.health ? (c.health.criticalIllness ?? false) : undefined),
      {
        format: `健康申报：是否患有危急重症，${BOOLEAN_FORMAT}`,
        example: "否",
        width: 8,
      },
    ),
    yesNo(
      "自愿报名",
      "/application/voluntary",
      (c) => (c.application ? (c.application.voluntary ?? false) : undefined),
      {
        format: `报名（第七条）：是否自愿报名，${BOOLEAN_FORMAT}。三项报名信息全部留空表示未报名`,
        example: "是",
        width: 8,
      },
    ),
    yesNo(
      "家属同意",
      "/application/familyConsent",
      (c) => (c.application ? (c.application.familyConsent ?? false) : undefined),
      {
        format: `报名：家属是否同意，${BOOLEAN_FORMAT}`,
        example: "是",
        width: 8,
      },
    ),
    yesNo(
      "军休机构批准",
      "/application/institutionApproved",
      (c) => (c.application ? (c.application.institutionApproved ?? false) : undefined),
      {
        format: `报名：军休机构是否批准，${BOOLEAN_FORMAT}`,
        example: "是",
        width: 10,
      },
    ),
    field("不可出行日期", "/unavailable", readRanges, (c) => writeRanges(c.unavailable ?? []) || undefined, {
      format: RANGE_FORMAT,
      example: "2027-07-01~2027-07-20;2027-08-15",
      width: 24,
    }),
    field("疗养经历", "/history", readHistory, (c) => writeHistory(c.history), {
      format:
        "以往荣誉疗养：周期:级别:开始~结束，级别为 部级 / 省级 / 市级 / 县级，结束日期可省略；多次用分号分隔",
      example: "2025:市级:2025-05-12~2025-05-18",
      width: 30,
    }),
  ],
  finish(item) {
    // Any expansion cell makes a record; what was left blank is "not yet" (RULES.md §1, ART4_EXPANSION_NOT_APPROVED).
    const expansion = item.countyExpansion as Item | undefined;
    if (expansion) {
      expansion.grounds ??= [];
      expansion.approvedBy ??= null;
      expansion.publicNoticeEnded ??= null;
      expansion.objection ??= false;
      item.countyExpansion = {
        grounds: expansion.grounds,
        approvedBy: expansion.approvedBy,
        publicNoticeEnded: expansion.publicNoticeEnded,
        objection: expansion.objection,
      };
    }
  },
};

export const STAFF_SHEET: SheetSpec<Staff> = {
  key: "staff",
  name: "服务保障人员",
  noun: "服务保障人员",
  columns: [
    field("编号", "/id", readId, (s) => s.id, idDoc("服务保障人员")),
    field("姓名", "/name", readText, (s) => text(s.name), { format: "姓名", example: "李四", width: 10 }),
    field("所属机构", "/institution", readText, (s) => text(s.institution), {
      format: "所属机构，如某军休所",
      example: "任城区军休所",
      width: 16,
    }),
    yesNo("是否医护人员", "/medical", (s) => s.medical, {
      format: `是否具备资质的医护人员（第十条），${BOOLEAN_FORMAT}`,
      example: "是",
      required: true,
      width: 12,
    }),
    // The three together make `qualification`; one left blank is reported by the contract at its column.
    field(
      "资质类型",
      "/qualification/type",
      (cell) => readChoice(cell, QUALIFICATION, "资质类型"),
      (s) => (s.qualification ? writeChoice(s.qualification.type, QUALIFICATION) : undefined),
      {
        format: "医护人员的从业资质（第十条）：执业医师 / 执业助理医师 / 护士 / 其他；非医护人员留空",
        example: "执业医师",
        width: 12,
        list: ["执业医师", "执业助理医师", "护士", "其他"],
      },
    ),
    field("资质证书编号", "/qualification/certificate", readText, (s) => s.qualification?.certificate, {
      format: "从业资质证书编号；登记资质时必填",
      example: "110370800012345",
      width: 18,
    }),
    field("资质有效期至", "/qualification/validUntil", readDate, (s) => s.qualification?.validUntil, {
      ...dateDoc("证书有效期的最后一天；在批次结束前失效的医护人员不计为具备资质（第十条）"),
      example: "2028-12-31",
    }),
    field("可出行日期", "/available", readRanges, (s) => writeRanges(s.available ?? []) || undefined, {
      format: `${RANGE_FORMAT}。留空表示整个计划期均可出行；批次须落在其中一段之内`,
      example: "2027-04-01~2027-06-30",
      width: 24,
    }),
    field("不可出行日期", "/unavailable", readRanges, (s) => writeRanges(s.unavailable ?? []) || undefined, {
      format: RANGE_FORMAT,
      example: "2027-07-01~2027-07-20",
      width: 24,
    }),
  ],
};

const money = (what: string, example: string): Doc => ({
  format: `${what}，单位元，≥ 0；留空按 0`,
  example,
  width: 12,
});

export const VENUE_SHEET: SheetSpec<Venue> = {
  key: "venues",
  name: "疗养地点",
  noun: "疗养地点",
  columns: [
    field("编号", "/id", readId, (v) => v.id, idDoc("疗养地点")),
    field("名称", "/name", readText, (v) => text(v.name), {
      format: "名称",
      example: "泰安市军休疗养基地",
      width: 20,
    }),
    field(
      "权属",
      "/ownership",
      (cell) => readChoice(cell, OWNERSHIP, "权属"),
      (v) => writeChoice(v.ownership, OWNERSHIP),
      {
        format: "自有（退役军人事务系统自有，优先使用，第九条）/ 购买服务",
        example: "自有",
        required: true,
        width: 10,
        list: ["自有", "购买服务"],
      },
    ),
    field("省", "/province", readText, (v) => v.province, {
      format: "所在省份；省外地点须计划允许（第六条）",
      example: "山东省",
      required: true,
      width: 9,
    }),
    field("市", "/city", readText, (v) => text(v.city), { format: "所在城市", example: "泰安市", width: 9 }),
    field("天数", "/days", readNumber, (v) => v.days, {
      format: "每期天数（含往返程，不超过 7 天，第六条），整数",
      example: "6",
      required: true,
      width: 6,
    }),
    field("每批容量", "/capacityPerBatch", readNumber, (v) => v.capacityPerBatch, {
      format: "每批最多军休干部人数，整数 ≥ 1",
      example: "30",
      required: true,
      width: 9,
    }),
    field("同时批次上限", "/maxConcurrentBatches", readNumber, (v) => v.maxConcurrentBatches, {
      format: "同一天最多同时进行的批次数，整数 ≥ 1；留空按 1",
      example: "1",
      width: 12,
    }),
    field(
      "每人每天价格",
      "/pricePerPersonDay",
      readNumber,
      (v) => v.pricePerPersonDay,
      money("每名军休干部每天食宿活动费", "260"),
    ),
    field(
      "每人交通费",
      "/transportPerPerson",
      readNumber,
      (v) => v.transportPerPerson,
      money("每人往返交通费（军休干部与服务保障人员）", "120"),
    ),
    field(
      "每批固定费用",
      "/fixedCostPerBatch",
      readNumber,
      (v) => v.fixedCostPerBatch,
      money("每批固定费用", "1500"),
    ),
    field("出发星期", "/startWeekdays", readWeekdays, (v) => writeWeekdays(v.startWeekdays), {
      format: "批次可出发的星期：周一 … 周日（或 1 … 7），多项用分号分隔；留空表示每天都可出发",
      example: "周一;周四",
      width: 12,
    }),
    field("开放日期", "/available", readRanges, (v) => writeRanges(v.available ?? []) || undefined, {
      format: `${RANGE_FORMAT}。留空表示整个计划期开放`,
      example: "2027-04-01~2027-06-30",
      width: 24,
    }),
    field("停用日期", "/blackout", readRanges, (v) => writeRanges(v.blackout ?? []) || undefined, {
      format: `${RANGE_FORMAT}。批次不得与停用日期重叠`,
      example: "2027-05-01~2027-05-05",
      width: 24,
    }),
  ],
};

export type RosterSheet = "cadres" | "staff" | "venues";

export const SHEETS = { cadres: CADRE_SHEET, staff: STAFF_SHEET, venues: VENUE_SHEET } as const;

export const SHEET_ORDER: readonly RosterSheet[] = ["cadres", "staff", "venues"];
