import { Checkbox, Col, DatePicker, Form, Input, InputNumber, Row, Select } from "antd";
import dayjs, { type Dayjs } from "dayjs";

// The plan's own fields (everything but the roster), named by their JSON paths so an API problem's path
// lands beside its field. Dates are edited as dayjs values and sent as yyyy-mm-dd.

const DATE_FORMAT = "YYYY年M月D日";

export interface PlanFormValues {
  name?: string;
  organizer?: { level: "city" | "county"; province: string; city: string; county?: string | null };
  cycle?: { id: string; start: Dayjs; end: Dayjs };
  planningWindow: { start: Dayjs; end: Dayjs };
  budget: {
    total: number;
    costStandard?: { perPersonPerDay?: number | null; perPersonPerTrip?: number | null };
    insurancePerPerson?: number | null;
    staffPerDay?: number | null;
    includeStaffCosts?: boolean;
  };
  policy: {
    maxDays?: number | null;
    maxAge?: number | null;
    minBatchSize?: number | null;
    staffMaxBatches?: number | null;
    cadresPerStaff?: { min: number; max: number };
    requireMedicalStaff?: boolean;
    allowOutOfProvince?: boolean;
  };
}

export const toIso = (day: Dayjs) => day.format("YYYY-MM-DD");
export const fromIso = (iso: string) => dayjs(iso, "YYYY-MM-DD");

/** Drops empty optional numbers, which the contract reads as absent. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [
        k,
        v && typeof v === "object" && !Array.isArray(v) && !dayjs.isDayjs(v) ? compact(v) : v,
      ]),
  ) as T;
}

function DateField({ name, label }: { name: (string | number)[]; label: string }) {
  return (
    <Form.Item name={name} label={label} rules={[{ required: true, message: `请填写${label}` }]}>
      <DatePicker format={DATE_FORMAT} style={{ width: "100%" }} aria-label={label} />
    </Form.Item>
  );
}

function Money({ name, label, required }: { name: (string | number)[]; label: string; required?: boolean }) {
  return (
    <Form.Item
      name={name}
      label={label}
      rules={required ? [{ required: true, message: `请填写${label}` }] : undefined}
    >
      <InputNumber min={0} prefix="¥" style={{ width: "100%" }} aria-label={label} />
    </Form.Item>
  );
}

function Count({ name, label }: { name: (string | number)[]; label: string }) {
  return (
    <Form.Item name={name} label={label}>
      <InputNumber min={1} precision={0} style={{ width: "100%" }} aria-label={label} />
    </Form.Item>
  );
}

/** The organiser and cycle: set when a plan is made, not edited later. */
export function OriginFields() {
  return (
    <>
      <Row gutter={12}>
        <Col xs={24} md={6}>
          <Form.Item name={["organizer", "level"]} label="组织级别" rules={[{ required: true }]}>
            <Select
              aria-label="组织级别"
              options={[
                { value: "city", label: "市级" },
                { value: "county", label: "县级" },
              ]}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item
            name={["organizer", "province"]}
            label="省"
            rules={[{ required: true, message: "请填写省" }]}
          >
            <Input />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item
            name={["organizer", "city"]}
            label="市"
            rules={[{ required: true, message: "请填写市" }]}
          >
            <Input />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name={["organizer", "county"]} label="县（区，县级组织时填写）">
            <Input />
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col xs={24} md={6}>
          <Form.Item
            name={["cycle", "id"]}
            label="疗养周期"
            rules={[{ required: true, message: "请填写疗养周期" }]}
          >
            <Input placeholder="如 2027" />
          </Form.Item>
        </Col>
        <Col xs={24} md={9}>
          <DateField name={["cycle", "start"]} label="周期开始" />
        </Col>
        <Col xs={24} md={9}>
          <DateField name={["cycle", "end"]} label="周期结束" />
        </Col>
      </Row>
    </>
  );
}

/** What a planner may change on a stored plan: name, window, budget and policy. */
export function EditableFields() {
  return (
    <>
      <Form.Item name="name" label="计划名称">
        <Input maxLength={100} />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <DateField name={["planningWindow", "start"]} label="计划时段开始" />
        </Col>
        <Col xs={24} md={12}>
          <DateField name={["planningWindow", "end"]} label="计划时段结束" />
        </Col>
      </Row>
      <Row gutter={12}>
        <Col xs={24} md={8}>
          <Money name={["budget", "total"]} label="预算总额（元）" required />
        </Col>
        <Col xs={24} md={8}>
          <Money name={["budget", "costStandard", "perPersonPerDay"]} label="每人每天费用标准（元）" />
        </Col>
        <Col xs={24} md={8}>
          <Money name={["budget", "insurancePerPerson"]} label="每人意外保险（元）" />
        </Col>
        <Col xs={24} md={8}>
          <Money name={["budget", "staffPerDay"]} label="工作人员每天差旅（元）" />
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name={["budget", "includeStaffCosts"]} valuePropName="checked" label="工作人员费用">
            <Checkbox>计入预算</Checkbox>
          </Form.Item>
        </Col>
      </Row>
      <Row gutter={12}>
        <Col xs={12} md={6}>
          <Count name={["policy", "maxDays"]} label="每期最多天数" />
        </Col>
        <Col xs={12} md={6}>
          <Count name={["policy", "maxAge"]} label="年龄上限（周岁）" />
        </Col>
        <Col xs={12} md={6}>
          <Count name={["policy", "minBatchSize"]} label="每批最少人数" />
        </Col>
        <Col xs={12} md={6}>
          <Count name={["policy", "staffMaxBatches"]} label="工作人员最多随行批次" />
        </Col>
        <Col xs={12} md={6}>
          <Count name={["policy", "cadresPerStaff", "min"]} label="每名工作人员最少服务人数" />
        </Col>
        <Col xs={12} md={6}>
          <Count name={["policy", "cadresPerStaff", "max"]} label="每名工作人员最多服务人数" />
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name={["policy", "requireMedicalStaff"]} valuePropName="checked" label="医护人员">
            <Checkbox>每批须有医护人员</Checkbox>
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name={["policy", "allowOutOfProvince"]} valuePropName="checked" label="省外地点">
            <Checkbox>允许省外</Checkbox>
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
