/**
 * Slack's documented limits on what a message or a view may carry, checked
 * the way Slack checks them: a payload over any of them is refused whole.
 * Sources: docs.slack.dev, "Block Kit" reference (blocks, block elements,
 * composition objects), "Views" reference, chat.postMessage.
 */
export const limits = {
  messageBlocks: 50,
  viewBlocks: 100,
  /** Any text object, unless a tighter limit applies where it sits. */
  text: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  headerText: 150,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionId: 255,
  blockId: 255,
  optionText: 75,
  optionValue: 150,
  options: 100,
  placeholder: 150,
  inputLabel: 2000,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  /** A message's top-level `text`: Slack refuses longer with `msg_too_long`. */
  messageText: 40_000,
} as const;

type Json = Record<string, unknown>;
type Surface = "message" | "modal" | "home";

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const length = (v: unknown) => (typeof v === "string" ? v.length : 0);

function textObject(
  problems: string[],
  at: string,
  value: unknown,
  max: number,
  only?: "plain_text" | "mrkdwn",
): void {
  if (!isObject(value)) {
    problems.push(`${at}: a text object is required`);
    return;
  }
  if (value.type !== "plain_text" && value.type !== "mrkdwn")
    problems.push(`${at}: text type must be plain_text or mrkdwn`);
  else if (only && value.type !== only) problems.push(`${at}: must be ${only}`);
  if (typeof value.text !== "string" || value.text.length === 0)
    problems.push(`${at}: text must be at least 1 character`);
  else if (value.text.length > max)
    problems.push(`${at}: text is ${value.text.length} characters, more than ${max}`);
}

function maxString(problems: string[], at: string, value: unknown, max: number): void {
  if (value === undefined) return;
  if (typeof value !== "string") problems.push(`${at}: must be a string`);
  else if (value.length > max) problems.push(`${at}: ${value.length} characters, more than ${max}`);
}

function option(problems: string[], at: string, o: unknown): void {
  if (!isObject(o)) {
    problems.push(`${at}: an option object is required`);
    return;
  }
  textObject(problems, `${at}.text`, o.text, limits.optionText);
  maxString(problems, `${at}.value`, o.value, limits.optionValue);
}

function element(problems: string[], at: string, e: unknown): void {
  if (!isObject(e)) {
    problems.push(`${at}: an element object is required`);
    return;
  }
  maxString(problems, `${at}.action_id`, e.action_id, limits.actionId);
  if (e.placeholder !== undefined)
    textObject(problems, `${at}.placeholder`, e.placeholder, limits.placeholder, "plain_text");
  switch (e.type) {
    case "button":
      textObject(problems, `${at}.text`, e.text, limits.buttonText, "plain_text");
      maxString(problems, `${at}.value`, e.value, limits.buttonValue);
      maxString(problems, `${at}.url`, e.url, limits.url);
      if (e.style !== undefined && e.style !== "primary" && e.style !== "danger")
        problems.push(`${at}.style: must be primary or danger`);
      return;
    case "static_select":
    case "multi_static_select":
    case "radio_buttons":
    case "checkboxes":
    case "overflow": {
      const options = Array.isArray(e.options) ? e.options : [];
      const groups = Array.isArray(e.option_groups) ? e.option_groups : [];
      const all = [
        ...options,
        ...groups.flatMap((g) => (isObject(g) && Array.isArray(g.options) ? g.options : [])),
      ];
      if (all.length === 0) problems.push(`${at}: options are required`);
      const max =
        e.type === "overflow"
          ? 5
          : e.type === "checkboxes" || e.type === "radio_buttons"
            ? 10
            : limits.options;
      if (all.length > max) problems.push(`${at}: ${all.length} options, more than ${max}`);
      all.forEach((o, i) => {
        option(problems, `${at}.options[${i}]`, o);
      });
      return;
    }
    case "image":
      maxString(problems, `${at}.image_url`, e.image_url, limits.url);
      maxString(problems, `${at}.alt_text`, e.alt_text, 2000);
      return;
    case "datepicker":
    case "timepicker":
    case "datetimepicker":
    case "plain_text_input":
    case "number_input":
    case "email_text_input":
    case "url_text_input":
    case "users_select":
    case "multi_users_select":
    case "conversations_select":
    case "multi_conversations_select":
    case "channels_select":
    case "multi_channels_select":
    case "external_select":
    case "multi_external_select":
      return;
    default:
      problems.push(`${at}: unknown element type ${JSON.stringify(e.type)}`);
  }
}

function uniqueActionIds(problems: string[], at: string, elements: unknown[]): void {
  const seen = new Set<string>();
  for (const e of elements) {
    const id = isObject(e) && typeof e.action_id === "string" ? e.action_id : undefined;
    if (id === undefined) continue;
    if (seen.has(id)) problems.push(`${at}: action_id ${JSON.stringify(id)} is used twice in one block`);
    seen.add(id);
  }
}

function block(problems: string[], at: string, b: unknown, surface: Surface): void {
  if (!isObject(b)) {
    problems.push(`${at}: a block object is required`);
    return;
  }
  maxString(problems, `${at}.block_id`, b.block_id, limits.blockId);
  switch (b.type) {
    case "section": {
      if (b.text === undefined && b.fields === undefined)
        problems.push(`${at}: a section needs text or fields`);
      if (b.text !== undefined) textObject(problems, `${at}.text`, b.text, limits.text);
      if (b.fields !== undefined) {
        const fields = Array.isArray(b.fields) ? b.fields : [];
        if (fields.length === 0 || fields.length > limits.sectionFields)
          problems.push(`${at}.fields: ${fields.length} fields, must be 1 to ${limits.sectionFields}`);
        fields.forEach((f, i) => {
          textObject(problems, `${at}.fields[${i}]`, f, limits.fieldText);
        });
      }
      if (b.accessory !== undefined) element(problems, `${at}.accessory`, b.accessory);
      return;
    }
    case "context": {
      const elements = Array.isArray(b.elements) ? b.elements : [];
      if (elements.length === 0 || elements.length > limits.contextElements)
        problems.push(`${at}.elements: ${elements.length} elements, must be 1 to ${limits.contextElements}`);
      elements.forEach((e, i) => {
        if (isObject(e) && e.type === "image") element(problems, `${at}.elements[${i}]`, e);
        else textObject(problems, `${at}.elements[${i}]`, e, limits.text);
      });
      return;
    }
    case "header":
      textObject(problems, `${at}.text`, b.text, limits.headerText, "plain_text");
      return;
    case "actions": {
      const elements = Array.isArray(b.elements) ? b.elements : [];
      if (elements.length === 0 || elements.length > limits.actionsElements)
        problems.push(`${at}.elements: ${elements.length} elements, must be 1 to ${limits.actionsElements}`);
      elements.forEach((e, i) => {
        element(problems, `${at}.elements[${i}]`, e);
      });
      uniqueActionIds(problems, at, elements);
      return;
    }
    case "input":
      if (surface === "message") problems.push(`${at}: input blocks belong in modals`);
      textObject(problems, `${at}.label`, b.label, limits.inputLabel, "plain_text");
      if (b.hint !== undefined) textObject(problems, `${at}.hint`, b.hint, limits.inputLabel, "plain_text");
      element(problems, `${at}.element`, b.element);
      return;
    case "divider":
      return;
    case "image":
      maxString(problems, `${at}.image_url`, b.image_url, limits.url);
      return;
    default:
      problems.push(`${at}: unknown block type ${JSON.stringify(b.type)}`);
  }
}

/** What is wrong with a list of blocks on a surface; empty when Slack would take it. */
export function blocksProblems(blocks: unknown, surface: Surface, at = "blocks"): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return [`${at}: must be an array`];
  const max = surface === "message" ? limits.messageBlocks : limits.viewBlocks;
  if (blocks.length > max) problems.push(`${at}: ${blocks.length} blocks, more than ${max}`);
  const ids = new Set<string>();
  blocks.forEach((b, i) => {
    block(problems, `${at}[${i}]`, b, surface);
    const id = isObject(b) && typeof b.block_id === "string" ? b.block_id : undefined;
    if (id !== undefined && ids.has(id))
      problems.push(`${at}[${i}].block_id: ${JSON.stringify(id)} is used twice`);
    if (id !== undefined) ids.add(id);
  });
  return problems;
}

/**
 * A message as chat.postMessage, chat.postEphemeral, chat.update or a
 * response_url receives it: the error Slack answers with, and why.
 */
export function messageRefusal(args: Json): { error: string; problems: string[] } | undefined {
  const hasBlocks = Array.isArray(args.blocks) && args.blocks.length > 0;
  if (!hasBlocks && length(args.text) === 0 && args.attachments === undefined)
    return { error: "no_text", problems: ["neither text nor blocks"] };
  if (length(args.text) > limits.messageText)
    return {
      error: "msg_too_long",
      problems: [`text: ${length(args.text)} characters, more than ${limits.messageText}`],
    };
  if (args.blocks === undefined) return undefined;
  const problems = blocksProblems(args.blocks, "message");
  return problems.length ? { error: "invalid_blocks", problems } : undefined;
}

/** A view as views.open, views.push, views.update or views.publish receives it. */
export function viewProblems(view: unknown): string[] {
  if (!isObject(view)) return ["view: a view object is required"];
  const problems: string[] = [];
  if (view.type !== "modal" && view.type !== "home") problems.push("view.type: must be modal or home");
  const surface: Surface = view.type === "home" ? "home" : "modal";
  if (surface === "modal") {
    textObject(problems, "view.title", view.title, limits.viewTitle, "plain_text");
    const blocks = Array.isArray(view.blocks) ? view.blocks : [];
    if (blocks.some((b) => isObject(b) && b.type === "input") && view.submit === undefined)
      problems.push("view.submit: a modal with inputs needs a submit button");
  }
  for (const key of ["submit", "close"] as const)
    if (view[key] !== undefined)
      textObject(problems, `view.${key}`, view[key], limits.viewButton, "plain_text");
  maxString(problems, "view.private_metadata", view.private_metadata, limits.privateMetadata);
  maxString(problems, "view.callback_id", view.callback_id, limits.callbackId);
  maxString(problems, "view.external_id", view.external_id, limits.callbackId);
  problems.push(...blocksProblems(view.blocks, surface, "view.blocks"));
  return problems;
}
