// Plain-text tables for the command line: columns padded to the widest cell, as a terminal shows them
// (a Chinese character takes two columns).

/** Columns a string takes in a terminal: two for each wide (CJK) character, one for the rest. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text)
    width +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        char,
      )
        ? 2
        : 1;
  return width;
}

/** Rows of cells as lines, each column as wide as its widest cell, two spaces apart; `right` aligns numbers. */
export function textTable(
  rows: readonly (readonly string[])[],
  right: (column: number) => boolean = () => false,
): string {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, col) =>
    Math.max(...rows.map((row) => displayWidth(row[col] ?? ""))),
  );
  return rows
    .map((row) =>
      row
        .map((text, col) => {
          const pad = " ".repeat((widths[col] ?? 0) - displayWidth(text));
          return right(col) ? pad + text : text + pad;
        })
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
