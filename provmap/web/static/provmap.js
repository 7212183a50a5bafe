// provmap's page: the drop area, the problem filters and the progress bar.
// Everything also works without JavaScript (a normal form post, a filter button, and a
// page that refreshes itself while the outputs are written); this only makes it quicker.
"use strict";

document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload");
  const input = document.getElementById("workbook");
  const drop = document.getElementById("drop");
  const note = document.getElementById("upload-note");

  function send() {
    const file = input.files && input.files[0];
    if (!file) return;
    const limit = Number(form.dataset.limit);
    if (limit && file.size > limit) {
      note.textContent = "That file is bigger than " + form.dataset.limitMb +
        " MB, the most provmap accepts. A provision map is usually well under 5 MB: " +
        "check you chose the right file.";
      note.classList.add("bad");
      input.value = "";
      return;
    }
    note.classList.remove("bad");
    note.textContent = "Sending " + file.name + " to provmap on this computer ...";
    form.submit();
  }

  if (form && input && drop) {
    input.addEventListener("change", send);
    ["dragenter", "dragover"].forEach((type) => drop.addEventListener(type, (e) => {
      e.preventDefault();
      drop.classList.add("over");
    }));
    ["dragleave", "drop"].forEach((type) => drop.addEventListener(type, () => {
      drop.classList.remove("over");
    }));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        send();
      }
    });
  }

  // Problem filters: hide rows in place instead of asking the server again.
  const filters = document.getElementById("filters");
  const table = document.getElementById("problems");
  if (filters && table) {
    const severity = document.getElementById("severity");
    const sheet = document.getElementById("sheet");
    const shown = document.getElementById("shown");
    const rows = Array.from(table.tBodies[0].rows);
    const apply = () => {
      let count = 0;
      rows.forEach((row) => {
        const show = (!severity.value || row.dataset.severity === severity.value) &&
                     (!sheet.value || row.dataset.sheet === sheet.value);
        row.hidden = !show;
        if (show) count += 1;
      });
      shown.textContent = "Showing " + count + " of " + rows.length + ".";
    };
    severity.addEventListener("change", apply);
    sheet.addEventListener("change", apply);
    filters.addEventListener("submit", (e) => { e.preventDefault(); apply(); });
  }

  // A job's page keeps in touch with provmap.  While the outputs are written it shows the
  // progress and reloads when they are done; afterwards it asks now and then, so that
  // provmap knows the page is open and the page knows its check is still kept.  A check
  // that is gone (or a provmap that stopped) is said once, with a way to check again,
  // instead of waiting forever.  Closing the page tells provmap it may delete the check.
  const main = document.getElementById("main");
  const statusUrl = main && main.dataset.status;
  if (statusUrl) {
    const working = document.getElementById("working");
    const bar = document.getElementById("progress");
    const label = document.getElementById("progress-label");
    const gone = document.getElementById("gone");
    const goneSentence = document.getElementById("gone-sentence");
    let timer = null;
    let ended = false;

    const showGone = (sentence) => {
      ended = true;
      if (working) working.hidden = true;
      if (sentence) goneSentence.textContent = sentence;
      document.querySelectorAll("#downloads a").forEach((a) => {
        a.removeAttribute("href");
        a.removeAttribute("download");
        a.setAttribute("aria-disabled", "true");
      });
      document.querySelectorAll("form.term button, form.term select").forEach((b) => {
        b.disabled = true;
      });
      gone.hidden = false;
      document.getElementById("again").focus();
    };

    const poll = async () => {
      timer = null;
      let answer;
      try {
        answer = await fetch(statusUrl, { cache: "no-store" });
      } catch (err) {
        showGone("provmap has stopped, and the files it made for the page are deleted. " +
                 "Start it again, open the address it prints, and drop the workbook there.");
        return;
      }
      if (answer.status === 404) { showGone(null); return; }
      if (answer.status === 403) {
        showGone("provmap was stopped and started again, so this check is gone. Open the " +
                 "new address it printed, and drop the workbook there.");
        return;
      }
      if (answer.ok && working) {
        const s = await answer.json();
        if (s.state !== "waiting" && s.state !== "running") {
          window.location.reload();
          return;
        }
        if (s.label) label.textContent = s.label;
        if (s.total) { bar.max = s.total; bar.value = s.done; }
        else bar.removeAttribute("value");
      }
      timer = window.setTimeout(poll, working ? 400 : 10000);
    };
    timer = window.setTimeout(poll, working ? 200 : 1000);

    window.addEventListener("pagehide", () => {
      if (!ended && main.dataset.left) navigator.sendBeacon(main.dataset.left);
    });
    window.addEventListener("pageshow", (e) => {       // back to a page the browser kept
      if (e.persisted && !ended) {
        if (timer) window.clearTimeout(timer);
        poll();
      }
    });
    document.getElementById("again").addEventListener("click", () => {
      if (input) {
        drop.scrollIntoView({ block: "center" });
        input.click();
      }
    });
  }
});
