export default function Page() {
  return <h1>my-cases</h1>;
}
