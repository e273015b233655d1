export default function CandidatesPage() {
  return null;
}
