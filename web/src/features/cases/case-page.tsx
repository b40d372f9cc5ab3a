export default function Page() {
  return <h1>case-page</h1>;
}
