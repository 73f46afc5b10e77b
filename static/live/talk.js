// The host page's questions and chat. Only approved (visible) messages ever reach the host. The chat lists them
// newest last; the questions panel repeats the messages moderation tagged as questions, newest first (there is no
// "answered" state to sort by). Both pause while pointed at, focused or scrolled (static/live/host_lists.js). A
// purchase claim shows the order it became (an order whose comment_id is the chat event's id).
(function () {
  "use strict";
  var LiveDesk = window.LiveDesk, el = LiveDesk.el, localTime = LiveDesk.localTime;
  var host = LiveDesk.host, strings = host.strings;
  var CHAT_LIMIT = 200, QUESTION_LIMIT = 50;
  var chatList = document.getElementById("chat");
  var questionList = document.getElementById("questions");
  var labels = chatList.dataset;
  var chatItems = new Map(), questionItems = new Map();  // message_id -> li
  var gone = new Set();  // hidden by a moderator while waiting behind "n new" (the newest GONE_LIMIT kept)
  var GONE_LIMIT = 1000;  // more than the rows that can wait (CHAT_LIMIT + QUESTION_LIMIT)
  var chatPause = LiveDesk.pausable(chatList, document.getElementById("chat-new"), true, strings.newItems);
  var questionPause = LiveDesk.pausable(questionList, document.getElementById("questions-new"), false,
                                        strings.newItems);

  function orderText(order) {
    if (!order) { return labels.noOrder; }
    return labels.order + " " + order.order_id + " · " + (strings[order.status] || order.status);
  }

  function chatRow(message) {
    var li = el("li");
    li.dataset.messageId = message.message_id;
    li.dataset.eventId = message.id;
    if (message.is_question) {
      li.classList.add("question");
      li.appendChild(el("span", labels.question, "tag question"));
    }
    var claim = message.claim;
    if (claim) {
      li.classList.add("claim");
      var what = [claim.sku, claim.variant, claim.qty ? "×" + claim.qty : null].filter(Boolean).join(" ");
      li.appendChild(el("span", labels.claim + (what ? " " + what : ""), "tag claim"));
    }
    li.appendChild(el("span", message.nickname || message.viewer_id, "nick"));
    li.appendChild(el("span", message.text, "text"));
    if (claim) { li.appendChild(el("span", orderText(message.order), "order-link")); }
    return li;
  }

  function questionRow(message) {
    var li = el("li", null, "question");
    li.dataset.messageId = message.message_id;
    li.dataset.eventId = message.id;
    li.appendChild(el("span", message.nickname || message.viewer_id, "nick"));
    li.appendChild(el("span", message.text, "text"));
    if (message.ts) { li.appendChild(el("time", localTime(message.ts), "muted small when")); }
    return li;
  }

  // Puts li among the list's items by message id (newestLast: ascending), replacing the item with that id.
  function place(list, items, li, id, newestLast, limit) {
    var existing = items.get(id);
    if (existing) {
      list.replaceChild(li, existing);
    } else {
      var after = Array.prototype.find.call(list.children, function (child) {
        var other = Number(child.dataset.messageId);
        return newestLast ? other > id : other < id;
      });
      list.insertBefore(li, after || null);
    }
    items.set(id, li);
    while (list.children.length > limit) {
      var oldest = newestLast ? list.firstElementChild : list.lastElementChild;
      items.delete(Number(oldest.dataset.messageId));
      list.removeChild(oldest);
    }
  }

  function showEmpty() {
    document.getElementById("chat-empty").hidden = chatList.children.length > 0;
    document.getElementById("questions-empty").hidden = questionList.children.length > 0;
  }

  function addChat(message, now) {
    var id = message.message_id;
    var show = function () {
      if (gone.has(id)) { return; }
      place(chatList, chatItems, chatRow(message), id, true, CHAT_LIMIT);
      showEmpty();
    };
    if (now || chatItems.has(id)) { show(); } else { chatPause.add(show, CHAT_LIMIT); }
    if (!message.is_question) { return; }
    var ask = function () {
      if (gone.has(id)) { return; }
      place(questionList, questionItems, questionRow(message), id, false, QUESTION_LIMIT);
      showEmpty();
    };
    if (now || questionItems.has(id)) { ask(); } else { questionPause.add(ask, QUESTION_LIMIT); }
  }

  function removeFrom(list, items, id) {
    var li = items.get(id);
    if (li) { list.removeChild(li); items.delete(id); }
  }

  host.talk = {
    // Called with each snapshot: messages after its seq are replayed by join, earlier ones come from the chat API.
    load: function () {
      chatPause.clear();
      questionPause.clear();
      chatList.replaceChildren();
      questionList.replaceChildren();
      chatItems.clear();
      questionItems.clear();
      gone.clear();
      showEmpty();
      fetch("/api/v1/broadcasts/" + host.broadcastId + "/chat?status=visible&limit=" + CHAT_LIMIT,
            {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : {messages: []}; })
        .then(function (body) {
          body.messages.forEach(function (m) { addChat(m, true); });
          chatPause.toNewest();
        })
        .catch(function () {});
    },
    message: function (message) { addChat(message, false); },
    hidden: function (messageId) {
      gone.add(messageId);
      if (gone.size > GONE_LIMIT) { gone.delete(gone.values().next().value); }
      removeFrom(chatList, chatItems, messageId);
      removeFrom(questionList, questionItems, messageId);
      showEmpty();
    },
    linkOrder: function (order) {
      if (!order.comment_id) { return; }
      var row = chatList.querySelector('li[data-event-id="' + CSS.escape(order.comment_id) + '"] .order-link');
      if (row) { row.textContent = orderText(order); }
    }
  };
}());
