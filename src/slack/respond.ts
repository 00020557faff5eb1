/** Posts to a response_url (commands, buttons, modals that carried one). */
export async function respondTo(
  url: string,
  message: {
    text: string;
    blocks?: unknown[];
    replace_original?: boolean;
    response_type?: "ephemeral" | "in_channel";
  },
  fetchFn: typeof fetch = fetch,
): Promise<void> {
  const res = await fetchFn(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ response_type: "ephemeral", ...message }),
  });
  if (!res.ok) throw new Error(`response_url answered ${res.status}`);
}
