// The main menu (core/_menu.html) works without this script; it only adds what menus are expected to do:
// one drop-down open at a time, closed by Escape or a click elsewhere. Where the browser cannot show a closed
// <details> on a wide screen (no ::details-content), the menu is opened there instead.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 48rem)");

  function groups() {
    return document.querySelectorAll(".nav-group > details");
  }

  function closeGroups(except) {
    groups().forEach(function (details) {
      if (details !== except) details.open = false;
    });
  }

  function openOnWideScreens() {
    var menu = document.getElementById("nav-menu");
    if (menu && wide.matches && !CSS.supports("selector(::details-content)")) menu.open = true;
  }

  document.addEventListener("toggle", function (event) {
    var target = event.target;
    if (target.matches && target.matches(".nav-group > details") && target.open) closeGroups(target);
  }, true);
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(".nav-group")) closeGroups(null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector(".nav-group > details[open]");
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
  document.addEventListener("DOMContentLoaded", openOnWideScreens);
  wide.addEventListener("change", openOnWideScreens);
})();
