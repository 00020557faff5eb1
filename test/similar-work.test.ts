import { expect, test } from "vitest";
import { contentWords, sameWork } from "../src/commitments/similar.js";

test("titles with the same content words, however ordered or inflected, name the same work", () => {
  expect(sameWork("review the vendor contract", "vendor contract review")).toBe(true);
  expect(sameWork("Review the vendor contracts", "reviewing vendor contract")).toBe(true);
  expect(sameWork("ship the invoice export", "invoice export shipped")).toBe(true);
  expect(sameWork("finish the pricing page", "finish the pricing page copy")).toBe(true);
  expect(sameWork("I'll update the roadmap", "roadmap updates")).toBe(true);
});

test("titles that differ in what the work is do not", () => {
  expect(sameWork("ship the API", "ship the API docs")).toBe(false);
  expect(sameWork("review the vendor contract", "sign the vendor contract")).toBe(false);
  expect(sameWork("fix login", "fix signup")).toBe(false);
  expect(sameWork("the", "a")).toBe(false);
});

test("content words drop small words and mentions and cut common endings", () => {
  expect([...contentWords("Reviewing the <@U2> vendor's contracts by Friday")]).toEqual([
    "review",
    "vendor",
    "contract",
    "friday",
  ]);
});
