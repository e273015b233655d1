// Reference data: the organisation tree a plan's `organizer` sits in (Art. 3–5, 18). The province organises
// nothing here; the city (市级) and its 11 counties and districts (县级) each run their own plans. Codes are
// the national administrative division codes (GB/T 2260); the regulation names the levels, not the codes.

export interface Organization {
  code: string;
  name: string;
  level: "province" | "city" | "county";
  children: readonly Organization[];
}

const county = (code: string, name: string): Organization => ({ code, name, level: "county", children: [] });

export const ORGANIZATION_TREE: Organization = {
  code: "370000",
  name: "山东省",
  level: "province",
  children: [
    {
      code: "370800",
      name: "济宁市",
      level: "city",
      children: [
        county("370811", "任城区"),
        county("370812", "兖州区"),
        county("370881", "曲阜市"),
        county("370883", "邹城市"),
        county("370826", "微山县"),
        county("370827", "鱼台县"),
        county("370828", "金乡县"),
        county("370829", "嘉祥县"),
        county("370830", "汶上县"),
        county("370831", "泗水县"),
        county("370832", "梁山县"),
      ],
    },
  ],
};

/** The city node of the tree, or undefined when the tree does not hold that province and city. */
export function cityNode(province: string, city: string): Organization | undefined {
  if (ORGANIZATION_TREE.name !== province) return undefined;
  return ORGANIZATION_TREE.children.find((c) => c.name === city);
}

/** The county node under a city of the tree. */
export function countyNode(province: string, city: string, county: string): Organization | undefined {
  return cityNode(province, city)?.children.find((c) => c.name === county);
}

/**
 * Where an organizer sits: the codes and names from the province down (山东省 › 济宁市 › 任城区); undefined
 * when the tree does not hold it (an organizer of another city is accepted but stands outside the tree).
 */
export function organizerPath(organizer: {
  level: "city" | "county";
  province: string;
  city: string;
  county?: string | null | undefined;
}): Organization[] | undefined {
  const city = cityNode(organizer.province, organizer.city);
  if (city === undefined) return undefined;
  if (organizer.level === "city") return [ORGANIZATION_TREE, city];
  const node = city.children.find((c) => c.name === organizer.county);
  return node === undefined ? undefined : [ORGANIZATION_TREE, city, node];
}
