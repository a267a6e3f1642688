/* Figures and tables a reader can read on any screen (issue 28).

   Figures are rendered at 150 dpi with no text below 8 pt, which is 16.7 image pixels. Shown
   at the column's width on a phone (about 360 px for a 7.5-inch figure of 1125 px) that text
   would be 5 px. So every figure is shown at no less than MIN_SCALE of its pixel width (8 pt
   stays at least 9 CSS px); where that is wider than the column, the figure scrolls sideways
   inside its own box, and a fade with "more" at the box's right edge says so. Every figure
   is also a link to its full-size image (tap to open and zoom).

   Tables already scroll inside the theme's container; the same fade marks one that is wider
   than the screen (row backgrounds hid the CSS shadow used before), and a table's caption
   is kept to the visible width so that it wraps instead of being cut mid-word. A cell with
   long text (a note, a list of changes) gets a minimum width that keeps it to about two
   lines: without it the browser squeezes it to the column's minimum to fit the box, and every
   row grows ten lines tall (the research notes' screens table). */
(function () {
  "use strict";
  var MIN_SCALE = 0.55;

  function markOverflow(box, outer) {
    var more = box.scrollWidth > box.clientWidth + 1;
    var atEnd = box.scrollLeft + box.clientWidth >= box.scrollWidth - 1;
    outer.classList.toggle("gc-more-right", more && !atEnd);
  }

  function withHint(box) {
    var outer = document.createElement("div");
    outer.className = "gc-scroll-hint";
    box.parentNode.insertBefore(outer, box);
    outer.appendChild(box);
    var update = function () { markOverflow(box, outer); };
    box.addEventListener("scroll", update, { passive: true });
    return update;   // the caller runs it again on resize, after fitting the box
  }

  function figure(img) {
    if (img.closest(".gc-figure-scroll")) {
      return;
    }
    // a figure directive's image already sits in a link to itself: keep that link
    var link = img.parentNode.tagName === "A" ? img.parentNode : null;
    if (link === null && img.closest("a")) {
      return;   // an image inside some other link (a logo, a badge) is left alone
    }
    var box = document.createElement("div");
    box.className = "gc-figure-scroll";
    if (link === null) {
      link = document.createElement("a");
      link.href = img.getAttribute("src");
      img.parentNode.insertBefore(link, img);
      link.appendChild(img);
    }
    link.classList.add("gc-figure-zoom");
    link.title = "Open the figure at full size";
    link.parentNode.insertBefore(box, link);
    box.appendChild(link);
    var update = withHint(box);
    var fit = function () {
      var least = Math.round(img.naturalWidth * MIN_SCALE);
      img.style.minWidth = least > box.clientWidth ? least + "px" : "";
      update();
    };
    if (img.complete) {
      fit();
    } else {
      img.addEventListener("load", fit);
    }
    window.addEventListener("resize", fit);
  }

  var LONG_CELL = 24;         // characters: longer cells get a minimum width

  function widenLongCells(box) {
    box.querySelectorAll("td, th").forEach(function (cell) {
      var n = cell.textContent.trim().length;
      if (n > LONG_CELL) {
        cell.style.minWidth = Math.min(Math.ceil(n / 2) * 0.55, 22) + "em";
      }
    });
  }

  function table(box) {
    widenLongCells(box);
    var update = withHint(box);
    box.parentNode.classList.add("gc-table");   // the fade alone: a caption sits at the top
    var captions = box.querySelectorAll("table > caption");
    var fit = function () {
      captions.forEach(function (c) {
        c.style.maxWidth = Math.max(box.clientWidth - 8, 120) + "px";
      });
      update();
    };
    fit();
    window.addEventListener("resize", fit);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("article .cell_output img, article figure img")
      .forEach(figure);
    document.querySelectorAll("article .pst-scrollable-table-container").forEach(table);
  });
})();
