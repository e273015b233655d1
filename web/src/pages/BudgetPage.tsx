export default function BudgetPage() {
  return null;
}
