/** The `<option>`s of a ban picker: one per ban, by title, valued by id. */
export function BanOptions({ bans }: { bans: readonly { id: string; title: string }[] | undefined }) {
  return (
    <>
      {(bans ?? []).map((b) => (
        <option key={b.id} value={b.id}>
          {b.title}
        </option>
      ))}
    </>
  );
}
