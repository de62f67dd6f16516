// The simulator's behaviour: filter the people list, send messages and card clicks through the
// simulator API, then swap in the re-rendered chat so a clicked card changes in place.
"use strict";

(function () {
  function filterPeople() {
    var search = document.getElementById("search");
    if (!search) { return; }
    var q = search.value.trim().toLowerCase().replace(/\s+/g, "");
    var on = document.querySelector(".role.on");
    var role = on ? on.getAttribute("data-role") : "all";
    document.querySelectorAll("ul.people li[data-role]").forEach(function (li) {
      var hay = (li.getAttribute("data-search") || "").toLowerCase();
      var ok = (role === "all" || li.getAttribute("data-role") === role) && (!q || hay.replace(/\s+/g, "").indexOf(q) >= 0 || hay.indexOf(q) >= 0);
      li.classList.toggle("hidden", !ok);
    });
  }

  function log() { return document.getElementById("log"); }

  function scrollDown() {
    var el = log();
    if (el) { el.scrollTop = el.scrollHeight; }
  }

  function refresh() {
    var el = log();
    if (!el) { return Promise.resolve(); }
    var url = el.getAttribute("data-chat-url") + "?user=" + encodeURIComponent(el.getAttribute("data-user")) +
      "&lang=" + encodeURIComponent(el.getAttribute("data-lang"));
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      var before = el.innerHTML;
      el.innerHTML = html;
      if (atBottom || before !== html) { scrollDown(); }
    });
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(refresh);
  }

  function send(text) {
    var el = log();
    if (!el || !text.trim()) { return Promise.resolve(); }
    return post(el.getAttribute("data-message-url"), { user: el.getAttribute("data-user"), text: text });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var search = document.getElementById("search");
    if (search) { search.addEventListener("input", filterPeople); }
    document.querySelectorAll(".role").forEach(function (b) {
      b.addEventListener("click", function () {
        document.querySelectorAll(".role").forEach(function (x) { x.classList.remove("on"); });
        b.classList.add("on");
        filterPeople();
      });
    });
    var form = document.getElementById("composer");
    if (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var input = document.getElementById("text");
        var text = input.value;
        input.value = "";
        send(text).then(function () { input.focus(); });
      });
    }
    document.querySelectorAll(".chip").forEach(function (c) {
      c.addEventListener("click", function () { send(c.getAttribute("data-text")); });
    });
    // Card buttons are re-rendered with the chat, so listen once on the log.
    var el = log();
    if (el) {
      el.addEventListener("click", function (e) {
        var b = e.target.closest(".card-button");
        if (!b) { return; }
        b.disabled = true;
        var params = {};
        try { params = JSON.parse(b.getAttribute("data-params") || "{}"); } catch (err) { params = {}; }
        post(el.getAttribute("data-card-url"), {
          user: el.getAttribute("data-user"), card_id: b.getAttribute("data-card"),
          action: b.getAttribute("data-action"), params: params
        });
      });
      scrollDown();
      // Messages the scheduler sends meanwhile (reminders, pulses) appear without a reload.
      setInterval(function () { if (!document.hidden) { refresh(); } }, 5000);
    }
  });
})();
