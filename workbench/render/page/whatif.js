// Runs the report's live what-if: draws the Vega view into the section, formats each slider's value in
// the client's locale, and applies the saved scenarios and the reset. It computes nothing itself: every
// figure is an expression of the specification, generated from the Python model.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");
  var live = document.querySelector("[data-wb-live]");
  if (!live || typeof vega === "undefined" || typeof vegaInterpreter === "undefined") {
    root.classList.replace("js", "no-js");
    return;
  }
  var spec = JSON.parse(document.getElementById("wb-wi-spec").textContent);
  var page = JSON.parse(document.getElementById("wb-wi-page").textContent);
  var numbers = {};

  function number(digits) {
    if (!numbers[digits]) {
      numbers[digits] = new Intl.NumberFormat(page.locale, {
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
    }
    return numbers[digits];
  }

  // unit: "money", "pct" (a value in percent), "share" (a share written in percent), "times", "count"
  function written(unit, digits, value) {
    if (unit === "share") return written("pct", digits, value * 100);
    var text = number(digits).format(value);
    if (unit === "money") return page.money[0] + text + page.money[1];
    if (unit === "pct") return page.pct[0] + text + page.pct[1];
    if (unit === "times") return "\u00d7" + text;
    return text;
  }

  function formatted(name, value) {
    var f = page.formats[name];
    return written(f.unit, f.digits, value);
  }

  function showOutputs(view) {
    var revenue = view.signal("revenue");
    page.outputs.forEach(function (o) {
      var cell = live.querySelector('output[data-output="' + o.key + '"]');
      if (!cell) return;
      cell.textContent =
        o.needs_revenue && !(revenue > 0) ? "\u2014" : written(o.unit, o.digits, view.signal(o.key));
    });
  }

  function apply(view, values) {
    Object.keys(values).forEach(function (name) {
      view.signal(name, values[name]);
    });
    return view.runAsync();
  }

  // ast + the interpreter: the expressions run without eval, as the page's policy requires
  var view = new vega.View(vega.parse(spec, null, { ast: true }), {
    expr: vegaInterpreter.expressionInterpreter,
    renderer: "svg",
    container: "#wb-wi-view",
    hover: true,
  });
  view
    .runAsync()
    .then(function () {
      Object.keys(page.formats).forEach(function (name) {
        var input = live.querySelector('input[name="' + name + '"]');
        if (!input) return;
        var readout = document.createElement("output");
        readout.className = "wb-wi-readout";
        readout.setAttribute("data-name", name);
        input.parentNode.appendChild(readout);
        readout.textContent = formatted(name, view.signal(name));
        view.addSignalListener(name, function (_, value) {
          readout.textContent = formatted(name, value);
        });
      });
      page.outputs.forEach(function (o) {
        view.addSignalListener(o.key, function () {
          showOutputs(view);
        });
      });
      showOutputs(view);
      var select = document.getElementById("wb-wi-preset");
      select.addEventListener("change", function () {
        apply(view, page.presets[+select.value].values);
      });
      document.getElementById("wb-wi-reset").addEventListener("click", function () {
        select.value = "0";
        apply(view, page.presets[0].values);
      });
      window.wbWhatIf = view;
      root.setAttribute("data-wb-whatif", "ready");
    })
    .catch(function (error) {
      root.classList.replace("js", "no-js");
      root.setAttribute("data-wb-whatif", "failed");
      console.error(error);
    });
})();
