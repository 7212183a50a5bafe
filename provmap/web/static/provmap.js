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

  // While the outputs are written: poll the job and reload the page when it is done.
  const working = document.getElementById("working");
  if (working) {
    const bar = document.getElementById("progress");
    const label = document.getElementById("progress-label");
    const poll = async () => {
      try {
        const answer = await fetch(working.dataset.status, { cache: "no-store" });
        if (answer.ok) {
          const s = await answer.json();
          if (s.state !== "waiting" && s.state !== "running") {
            window.location.reload();
            return;
          }
          if (s.label) label.textContent = s.label;
          if (s.total) { bar.max = s.total; bar.value = s.done; }
          else bar.removeAttribute("value");
        }
      } catch (err) {
        label.textContent = "provmap has stopped: start it again and drop the workbook.";
        return;
      }
      window.setTimeout(poll, 400);
    };
    window.setTimeout(poll, 200);
  }
});
