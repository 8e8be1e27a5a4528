/* The dialogs of saved investigations, made here so index.html stays as it is: Open…, Save as, Share and a
   message with buttons (`ask`). investigation.js fills and answers them. */
import { $ } from "./util.js";

function dialog(id, html) {
  const d = document.createElement("dialog");
  d.id = id; d.className = "inv-dialog"; d.innerHTML = html;
  document.body.appendChild(d);
  return d;
}
export const openDlg = dialog("inv-open-dlg", `<form method="dialog"><h2>Open an investigation</h2>
  <p class="hint">Yours and those shared with you, most recently changed first.</p>
  <div class="inv-list"><table><thead><tr><th>title</th><th>owner</th><th>modified</th><th>entities</th><th>size</th><th>access</th></tr></thead>
  <tbody></tbody></table></div><menu><button value="cancel">Close</button></menu></form>`);
export const saveDlg = dialog("inv-save-dlg", `<form method="dialog"><h2>Save as</h2>
  <label>title <input id="inv-save-title" required maxlength="200" size="40"></label>
  <menu><button value="save" id="inv-save-ok">Save</button><button value="cancel" formnovalidate>Cancel</button></menu></form>`);
export const shareDlg = dialog("inv-share-dlg", `<form method="dialog"><h2>Share</h2>
  <p class="hint">A key id (from <code>compoundgraph keys list</code>) or a role (that role and above); partners only read.</p>
  <table><tbody class="inv-shares"></tbody></table>
  <div class="row"><select id="inv-share-kind" aria-label="share with"><option value="key">key</option><option value="role">role</option></select>
  <input id="inv-share-who" placeholder="key id" size="14" aria-label="key id">
  <select id="inv-share-role" aria-label="role" hidden><option>partner</option><option>investigator</option><option>analyst</option><option>editor</option><option>admin</option></select>
  <select id="inv-share-access" aria-label="access"><option value="read">read</option><option value="edit">edit</option></select>
  <button type="button" id="inv-share-add" class="small">add</button></div>
  <menu><button value="save" id="inv-share-ok">Save shares</button><button value="cancel">Cancel</button></menu></form>`);
const msgDlg = dialog("inv-msg-dlg", `<form method="dialog"><h2></h2><p id="inv-msg-text"></p><ul id="inv-msg-list"></ul><menu></menu></form>`);

/** A message with buttons; resolves to the value of the button pressed ("cancel" on Escape). A message still
    open is closed first (answered "cancel"). */
export async function ask(title, text, buttons, list) {
  if (msgDlg.open) {
    // a dialog's close event comes a task later: wait for it, or it would answer this message too
    const closed = new Promise((r) => msgDlg.addEventListener("close", r, { once: true }));
    msgDlg.close("cancel");
    await closed;
  }
  msgDlg.querySelector("h2").textContent = title;
  $("#inv-msg-text").textContent = text;
  const ul = $("#inv-msg-list");
  ul.innerHTML = "";
  for (const item of list || []) { const li = document.createElement("li"); li.textContent = item; ul.appendChild(li); }
  const menu = msgDlg.querySelector("menu");
  menu.innerHTML = "";
  for (const b of buttons) {
    const el = document.createElement("button");
    el.value = b.value; el.textContent = b.label;
    menu.appendChild(el);
  }
  msgDlg.returnValue = "cancel";
  msgDlg.showModal();
  return new Promise((resolve) => msgDlg.addEventListener("close", () => resolve(msgDlg.returnValue || "cancel"), { once: true }));
}
export const OK = [{ value: "ok", label: "OK" }];

export function askTitle(initial) {
  $("#inv-save-title").value = initial;
  saveDlg.returnValue = "cancel";
  saveDlg.showModal();
  $("#inv-save-title").select();
  return new Promise((resolve) => saveDlg.addEventListener("close", () =>
    resolve(saveDlg.returnValue === "save" ? $("#inv-save-title").value.trim() : null), { once: true }));
}
