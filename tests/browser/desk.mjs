// Walks the review desk as its users do, in Chromium: each step checks what the page shows and
// saves a screenshot. Run by run.sh, which seeds the store and starts `ward serve`.
import { chromium } from "playwright-core";
import assert from "node:assert/strict";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
// Serious or critical WCAG 2 A/AA violations found by axe-core, per page.
const accessibility = [];

const base = process.env.DESK_URL;
const password = process.env.DESK_PASSWORD;
const shots = process.env.SCREENSHOTS;
let passed = 0;
let failed = 0;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});

async function snap(page, name) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  await page.addScriptTag({ path: axePath });
  const results = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } }),
  );
  console.log(`axe  ${name}: ${results.passes.length} rules pass, ${results.violations.length} violated`);
  for (const violation of results.violations) {
    const line = `${name}: ${violation.id} (${violation.impact}): ${violation.help}, ${violation.nodes.length} node(s)`;
    console.log(`axe  ${line}`);
    if (violation.impact === "serious" || violation.impact === "critical") {
      accessibility.push(line);
    }
  }
}

async function step(name, body) {
  try {
    await body();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}: ${error.stack}`);
  }
}

async function signIn(context, name) {
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/alerts`);
  return page;
}

const analyst = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
let page = await analyst.newPage();
let alertUrl = "";

await step("a page without a session leads to the sign-in form", async () => {
  await page.goto(`${base}/alerts`);
  assert.equal(page.url(), `${base}/sign-in`);
  await snap(page, "01-sign-in");
});

await step("a wrong password is refused", async () => {
  await page.getByLabel("Name").fill("ana");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Wrong name or password.").waitFor();
});

await step("the analyst signs in and finds WANG Junzheng's alert in the queue", async () => {
  page = await signIn(analyst, "ana");
  await page.getByLabel("Book").selectOption("seed");
  await page.getByLabel("Status").selectOption("open");
  await page.getByLabel("Sort").selectOption("score-desc");
  await page.getByRole("button", { name: "Filter" }).click();
  const row = page.getByRole("row").filter({ hasText: "WANG Junzheng" });
  await row.first().waitFor();
  await snap(page, "02-alert-queue");
  await row.first().getByRole("link").first().click();
  alertUrl = page.url();
  assert.match(alertUrl, /\/alerts\/\d+$/);
});

await step("the alert shows the customer beside the listed subject, with the evidence", async () => {
  await page.getByRole("heading", { name: "Customer" }).waitFor();
  await page.getByRole("heading", { name: "Listed subject" }).waitFor();
  await page.getByRole("heading", { name: "Evidence" }).waitFor();
  assert.ok((await page.textContent("main")).includes("1963-05"));
  await snap(page, "03-alert");
});

await step("the subject page shows designations, names by script and listing history", async () => {
  await page.locator("section[aria-labelledby=subject] a").first().click();
  await page.getByRole("heading", { name: "Designations" }).waitFor();
  await page.getByRole("heading", { name: "Listing history" }).waitFor();
  assert.ok((await page.textContent("main")).includes("us_ofac_sdn"));
  await snap(page, "04-subject");
});

await step("search ranks hits with their explanations", async () => {
  await page.getByRole("link", { name: "Search" }).click();
  await page.getByLabel("Name").fill("Wang Junzheng");
  await page.getByLabel("Birth date").fill("1963-05");
  await page.getByLabel("Kind").selectOption("Person");
  await page.keyboard.press("Enter");
  await page.getByRole("table").waitFor();
  assert.ok((await page.textContent("table")).toUpperCase().includes("WANG"));
  await snap(page, "05-search");
});

await step("the list changes feed links each version's diff", async () => {
  await page.getByRole("link", { name: "List changes" }).click();
  await page.getByRole("link", { name: /diff against/ }).first().click();
  await page.getByRole("heading", { name: "Added" }).waitFor();
  await snap(page, "06-list-diff");
});

function ward(...args) {
  execFileSync(process.env.WARD_BIN, ["--data-dir", process.env.WARD_DATA, ...args], { stdio: "pipe" });
}

async function alertStatus(page) {
  await page.goto(alertUrl);
  return (await page.locator("main > p strong").first().textContent()).trim();
}

await step("the analyst dismisses the alert with a pinned suppression, which waits for approval", async () => {
  await page.goto(alertUrl);
  await page.getByRole("button", { name: "Assign to me" }).click();
  await page.getByText("Assignee: ana").waitFor();
  await page.getByLabel("Decision").selectOption("dismiss");
  await page.getByLabel("Reason").selectOption("different-birth-date");
  await page.getByLabel("Remark").fill("Customer born 1963-05 in Beijing; the listed person in Linyi (browser test)");
  await page.getByLabel("Suppress this pair").selectOption("pinned");
  await page.getByRole("button", { name: "Record decision" }).click();
  await page.getByRole("heading", { name: "Waiting for approval" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Approve" }).count(), 0, "no approve button for the requester");
  assert.equal(await alertStatus(page), "open");
  await snap(page, "08-decision-pending");
});

await step("the analyst cannot open the users page", async () => {
  const answer = await page.goto(`${base}/users`);
  assert.equal(answer.status(), 403);
});

await step("signing out ends the session", async () => {
  await page.goto(`${base}/alerts`);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(`${base}/sign-in`);
  await page.goto(alertUrl);
  assert.equal(page.url(), `${base}/sign-in`);
});

await step("a supervisor approves; the alert closes as dismissed", async () => {
  const supervisor = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  page = await signIn(supervisor, "sue");
  await page.getByRole("link", { name: "Approvals" }).click();
  await page.getByText("browser test").waitFor();
  await snap(page, "09-approvals");
  await page.getByRole("link", { name: /^alert #/ }).first().click();
  await page.getByLabel("Review remark").fill("Agreed: different person");
  await page.getByRole("button", { name: "Approve" }).click();
  await page.waitForURL(alertUrl);
  assert.equal(await alertStatus(page), "dismissed");
  assert.ok((await page.textContent("main")).includes("decision-approved"));
  await snap(page, "10-alert-dismissed");
});

await step("the suppression holds on the next screening", async () => {
  ward("book", "rescreen", "--book", "seed");
  assert.equal(await alertStatus(page), "dismissed");
  await page.goto(`${base}/alerts?book=seed&status=open`);
  assert.equal(await page.getByRole("row").filter({ hasText: "WANG Junzheng" }).count(), 0);
});

await step("the suppression breaks when the listing changes: the alert re-opens", async () => {
  ward("lists", "import", process.env.CHANGED_LIST);
  ward("book", "rescreen", "--book", "seed");
  assert.equal(await alertStatus(page), "open");
  const text = await page.textContent("main");
  assert.ok(text.includes("reopened"), "the history shows the re-opening");
  assert.ok(text.includes("suppression-ended"), "the history shows the suppression ending");
  await snap(page, "11-alert-reopened");
});

await step("an admin sees the users page", async () => {
  const admin = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  const adminPage = await signIn(admin, "root");
  await adminPage.getByRole("link", { name: "Users" }).click();
  await adminPage.getByRole("cell", { name: "supervisor" }).waitFor();
  await snap(adminPage, "07-users");
  await admin.close();
});

await step("axe-core finds no serious or critical WCAG 2 A/AA violation on any page", async () => {
  assert.deepEqual(accessibility, []);
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
