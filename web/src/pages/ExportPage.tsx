export default function ExportPage() {
  return null;
}
