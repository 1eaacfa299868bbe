// kitbuilder serve: a little help while typing; every page works without it.
"use strict";

function fill(text, values) {
  return text.replace(/\{([a-z_]+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

// --- builds and sends: start one without leaving the page, then follow its progress -------
// The form's data-status answers JSON with state, done and total (under data-pick, if given).
function followJob(form, box, anchor) {
  if (!form || !box) return;
  const bar = box.querySelector("progress");
  const text = box.querySelector("[aria-live]");
  const button = form.querySelector("button[type=submit]");

  function show(status) {
    box.hidden = false;
    bar.max = Math.max(status.total, 1);
    bar.value = status.done;
    text.textContent = status.total && status.done >= status.total && status.state === "running"
      ? box.dataset.finishing
      : fill(box.dataset.count, { done: status.done, total: status.total });
  }

  function poll() {
    fetch(form.dataset.status, { headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((answer) => {
        const status = form.dataset.pick ? answer[form.dataset.pick] : answer;
        show(status);
        if (status.state === "running") {
          setTimeout(poll, 400);
        } else {
          location.hash = anchor;
          location.reload();
        }
      })
      .catch(() => setTimeout(poll, 1000));
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    button.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } })
      .then((response) => {
        if (response.status === 409) {
          text.textContent = box.dataset.busy;
          box.hidden = false;
        }
        show({ done: 0, total: 0, state: "running" });
        poll();
      })
      .catch(() => { button.disabled = false; });
  });
  if (box.dataset.state === "running") poll();
}

// --- run-sheets: clock times from the start time and each row's minutes -------------------
function clockTimes() {
  document.querySelectorAll("table.runsheet").forEach((table) => {
    const start = document.getElementById(table.dataset.start);
    const inputs = table.querySelectorAll("input[data-minutes]");
    function update() {
      const match = /^(\d{1,2}):(\d{2})/.exec(start ? start.value : "");
      let minute = match ? Number(match[1]) * 60 + Number(match[2]) : null;
      inputs.forEach((input) => {
        const cell = input.closest("tr").querySelector(".clock");
        const length = Number(input.value || input.dataset.minutes);
        if (minute === null || !(length > 0)) { cell.textContent = ""; return; }
        const end = minute + length;
        cell.textContent = `${hhmm(minute)}–${hhmm(end)}`;
        minute = end;
      });
    }
    if (start) start.addEventListener("input", update);
    inputs.forEach((input) => input.addEventListener("input", update));
    update();
  });
}

function hhmm(minutes) {
  const day = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(day / 60)).padStart(2, "0")}:${String(day % 60).padStart(2, "0")}`;
}

// --- themes: how many are chosen, and where each rated theme lands on the map -------------
function themeMap() {
  const table = document.querySelector("table.themes");
  if (!table) return;
  const count = document.getElementById("theme-count");
  function field(importance, success) {
    if (!importance || !success) return null;
    return importance >= 3 ? (success >= 3 ? "2" : "1") : (success >= 3 ? "3" : "4");
  }
  function update() {
    const lists = {};
    document.querySelectorAll(".map-field").forEach((box) => {
      lists[box.dataset.field] = box.querySelector("ul");
      lists[box.dataset.field].innerHTML = "";
    });
    let chosen = 0;
    table.querySelectorAll("tbody tr").forEach((row) => {
      const title = `${row.dataset.number}. ${row.querySelector(".theme-title").textContent}`;
      if (row.querySelector("input[name='themes.selected']").checked) chosen += 1;
      const importance = Number(row.querySelector("[data-rating=importance]").value);
      const success = Number(row.querySelector("[data-rating=success]").value);
      const target = row.querySelector("input[name='themes.parked']").checked ? "parked" : field(importance, success);
      if (target && lists[target]) {
        const item = document.createElement("li");
        item.textContent = title;
        lists[target].appendChild(item);
      }
    });
    count.textContent = fill(count.dataset.text, { count: chosen });
    if (chosen < 3 || chosen > 5) {
      count.textContent += " " + count.dataset.advice;
      count.classList.add("advice");
    } else {
      count.classList.remove("advice");
    }
  }
  table.addEventListener("change", update);
  update();
}

// --- brand colours: contrast on white, as the print will show it --------------------------
function luminance(hex) {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
}

function colourContrast() {
  document.querySelectorAll("input[type=color][data-needed]").forEach((input) => {
    const note = input.parentElement.querySelector("output.contrast");
    function update() {
      const ratio = 1.05 / (luminance(input.value) + 0.05);
      const needed = Number(input.dataset.needed);
      const low = ratio < needed;
      const decimal = (value) => value.toFixed(1).replace(".", document.documentElement.lang === "en" ? "." : ",");
      note.textContent = fill(low ? note.dataset.warning : note.dataset.ok, { ratio: decimal(ratio), needed: decimal(needed) });
      note.classList.toggle("low", low);
    }
    input.addEventListener("input", update);
    update();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  followJob(document.getElementById("build-form"), document.getElementById("progress"), "build");
  followJob(document.getElementById("send-form"), document.getElementById("send-progress"), "send");
  clockTimes();
  themeMap();
  colourContrast();
});
