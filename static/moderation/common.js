// Shared by the moderator console scripts: the page config, JSON calls (static/common/api.js), action
// buttons and error texts. Chat text, nicknames, terms and API messages are hostile: never HTML, always
// LiveDesk.el (static/common/dom.js).
(function (global) {
  "use strict";
  var config = JSON.parse(document.getElementById("config").textContent);

  // Resolves with {ok, status, data}, also offline ({ok: false, status: 0}): the console keeps running.
  function send(method, path, body, contentType) {
    return global.LiveDesk.send(method, path, body, contentType)
      .then(null, function () { return {ok: false, status: 0, data: {}}; });
  }

  function button(text, cls, action) {
    var node = global.LiveDesk.el("button", text, cls);
    node.type = "button";
    if (action) { node.dataset.action = action; }
    return node;
  }

  // The words a person reads for an API field ("policy.timeout_s"): the label of the console's control of that
  // name, in the page's language; the field itself when the console has no such control.
  function fieldLabel(field) {
    var name = String(field).split(".").pop();
    var control = document.querySelector('#console [name="' + CSS.escape(name) + '"]');
    var label = control && (control.closest("label") ||
      (control.id && document.querySelector('label[for="' + CSS.escape(control.id) + '"]')));
    var words = label && label.firstChild && label.firstChild.nodeType === 3 ? label.firstChild.textContent.trim() : "";
    return words || field;
  }

  // The labels of a select's options by value ("diversion" → "导流"), {} for any other control.
  function optionLabels(name) {
    var control = document.querySelector('#console select[name="' + CSS.escape(name) + '"]'), labels = {};
    Array.prototype.forEach.call(control ? control.options : [], function (option) {
      labels[option.value] = option.textContent.trim();
    });
    return labels;
  }

  // A CSV file's field ("csv.row[3].category"): the line of the file, for the line to go first in the message.
  var CSV_ROW = /^csv\.row\[(\d+)\]\./;

  // An API error as the console shows it: the field named by its control's label, never the API's field path
  // ("必须填写 term" reads "必须填写 词条"), the choices of a select by their labels; the label goes first when the
  // message does not name the field; a CSV file's line goes before it all ("第 3 行：类别 必须是以下之一：导流, …").
  function errorText(result) {
    var error = result && result.data && result.data.error;
    if (!error || !error.message) { return config.strings.error; }
    if (!error.field) { return global.LiveDesk.errorText(result.data); }
    var field = String(error.field), label = fieldLabel(field), labels = {}, row = CSV_ROW.exec(field);
    labels[field] = label;
    var data = row ? {error: Object.assign({}, error, {message: String(error.message).replace(/^row \d+:\s*/i, "")})}
      : result.data;
    var text = global.LiveDesk.errorText(data, labels);
    var name = field.split(".").pop();
    if (name !== field) {  // a message that names the field without its path
      text = text.replace(new RegExp("\\b" + name.replace(/[^\w]/g, "\\$&") + "\\b"), function () { return label; });
    }
    var choices = optionLabels(name);
    Object.keys(choices).forEach(function (value) {
      if (!/^\w+$/.test(value) || value === choices[value]) { return; }
      text = text.replace(new RegExp("(^|[^\\w])" + value + "(?![\\w])", "g"), function (all, before) {
        return before + choices[value];
      });
    });
    text = text.indexOf(label) >= 0 ? text : label + ": " + text;
    var lineField = document.getElementById("console").dataset.lineField;
    return row && lineField ? global.LiveDesk.format(lineField, {n: row[1], field: text}) : text;
  }

  global.Moderation = {
    config: config, strings: config.strings, broadcastId: config.broadcastId, send: send, button: button,
    errorText: errorText
  };
})(window);
