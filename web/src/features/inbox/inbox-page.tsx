export default function Page() {
  return <h1>inbox-page</h1>;
}
