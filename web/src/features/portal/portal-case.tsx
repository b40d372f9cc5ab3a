export default function Page() {
  return <h1>portal-case</h1>;
}
