export default function Page() {
  return <h1>intake-page</h1>;
}
