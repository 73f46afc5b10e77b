"""Recent chat of a broadcast kept in Redis, so that several servers count one flood, repetition, raid and slow mode.

``SharedRecentChat`` answers exactly as ``live.moderation.rules.RecentChat`` (and the pure reference
``activity_from_history``) would over every message any server saw: each ``observe`` is one Lua script, atomic
in Redis, that counts the windows before the message and records it. Keys per broadcast (``<prefix>``):

- ``<prefix>:v:<viewer>``  sorted set of the viewer's messages (member ``seq|fingerprint``, score = time);
- ``<prefix>:t:<sha1 of text>``  sorted set of the viewers who sent a raid-long text (score = their last time);
- ``<prefix>:lv:<viewer>``  the time of the viewer's last shown message (for slow mode), as the exact string sent;
- ``<prefix>:seq``  a counter that keeps members unique.

Every key expires (the horizon, or an hour for last-shown times) so Redis holds only what a window can still
read. Times are passed as ``repr`` of floats and compared by Redis as doubles, so the cuts are the same floats
the in-process window computes.

When Redis does not answer, chat is still moderated, by this server's own ``RecentChat``, and Redis is asked again
after ``RETRY_SECONDS``: during the outage each server counts only what it saw (a flooder's allowance per server,
as before sharing), but no event batch fails for it, and the orders in it are taken in.
"""
from __future__ import annotations

import hashlib
import logging
import time

from redis.exceptions import RedisError

from live.moderation.rules import ModerationPolicy, RecentChat
from live.moderation.rules.recent import QUIET, ViewerActivity

log = logging.getLogger("livedesk.moderation")
RETRY_SECONDS = 5.0

LAST_SHOWN_KEEP_SECONDS = 3600
MAX_PER_VIEWER = 1000

_OBSERVE = """
local vkey, tkey, lvkey, seqkey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local fp, at, flood_cut, repeat_cut, raid_cut = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local raid_applies, raid_viewers, viewer = ARGV[6] == '1', tonumber(ARGV[7]), ARGV[8]
local record, visible = ARGV[9] == '1', ARGV[10] == '1'
local horizon_cut, keep_ms, max_per, last_keep = ARGV[11], tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14])
local oldest = flood_cut
if tonumber(repeat_cut) < tonumber(flood_cut) then oldest = repeat_cut end
local recent, similar = 0, 0
local flood_at = tonumber(flood_cut)
local repeat_at = tonumber(repeat_cut)
local entries = redis.call('ZRANGEBYSCORE', vkey, oldest, '+inf', 'WITHSCORES')
for i = 1, #entries, 2 do
  local score = tonumber(entries[i + 1])
  local member = entries[i]
  local sep = string.find(member, '|', 1, true)
  local member_fp = string.sub(member, sep + 1)
  if score >= flood_at then recent = recent + 1 end
  if score >= repeat_at and member_fp == fp then similar = similar + 1 end
end
local raiders = {}
if raid_applies then
  local senders = redis.call('ZRANGEBYSCORE', tkey, raid_cut, '+inf')
  for _, sender in ipairs(senders) do
    if sender ~= viewer then table.insert(raiders, sender) end
  end
  if #raiders + 1 < raid_viewers then raiders = {} end
end
local last = redis.call('GET', lvkey)
if record then
  redis.call('ZREMRANGEBYSCORE', vkey, '-inf', '(' .. horizon_cut)
  local count = redis.call('ZCARD', vkey)
  if count >= max_per then redis.call('ZREMRANGEBYRANK', vkey, 0, count - max_per) end
  local seq = redis.call('INCR', seqkey)
  redis.call('ZADD', vkey, at, seq .. '|' .. fp)
  redis.call('PEXPIRE', vkey, keep_ms)
  redis.call('PEXPIRE', seqkey, keep_ms)
  if raid_applies then
    redis.call('ZADD', tkey, at, viewer)
    redis.call('ZREMRANGEBYSCORE', tkey, '-inf', '(' .. horizon_cut)
    redis.call('PEXPIRE', tkey, keep_ms)
  end
  if visible then redis.call('SET', lvkey, at, 'EX', last_keep) end
end
if not last then last = '' end
local answer = {tostring(recent), tostring(similar), last}
for _, sender in ipairs(raiders) do table.insert(answer, sender) end
return answer
"""


class SharedRecentChat:
    """The recent-chat window of one broadcast in Redis: the interface of ``RecentChat``, shared by every server."""

    def __init__(self, client, prefix: str, horizon_s: float = 60.0, max_per_viewer: int = MAX_PER_VIEWER) -> None:
        self.client = client
        self.prefix = prefix
        self.horizon_s = horizon_s
        self.max_per_viewer = max_per_viewer
        self._script = client.register_script(_OBSERVE)
        self._local = RecentChat()  # while Redis does not answer
        self._down_until = 0.0

    def _shared(self, ask, fall_back):
        """Return ask() from Redis, or fall_back() from this server's window while Redis does not answer."""
        if time.monotonic() < self._down_until:
            return fall_back()
        try:
            return ask()
        except RedisError:
            log.warning("chat windows: Redis did not answer; this server counts its own chat for %.0f s",
                        RETRY_SECONDS, exc_info=True)
            self._down_until = time.monotonic() + RETRY_SECONDS
            return fall_back()

    def activity(self, viewer_id: str, fingerprint: str, normalized: str, at: float,
                 policy: ModerationPolicy) -> ViewerActivity:
        """Return the viewer activity before ``at`` without recording the message."""
        return self._shared(lambda: self._run(viewer_id, fingerprint, normalized, at, policy, record=False,
                                              visible=False),
                            lambda: self._local.activity(viewer_id, fingerprint, normalized, at, policy))

    def record(self, viewer_id: str, fingerprint: str, normalized: str, at: float, visible: bool = True,
               policy: ModerationPolicy | None = None) -> None:
        """Add a moderated message (``visible`` False if it was hidden)."""
        self._shared(lambda: self._run(viewer_id, fingerprint, normalized, at, policy or ModerationPolicy(),
                                       record=True, visible=visible),
                     lambda: self._local.record(viewer_id, fingerprint, normalized, at, visible))

    def observe(self, viewer_id: str, fingerprint: str, normalized: str, at: float, policy: ModerationPolicy,
                visible: bool = True) -> ViewerActivity:
        """Return the activity before the message, then record it, atomically across servers."""
        return self._shared(lambda: self._run(viewer_id, fingerprint, normalized, at, policy, record=True,
                                              visible=visible),
                            lambda: self._local.observe(viewer_id, fingerprint, normalized, at, policy, visible))

    def unshow(self, viewer_id: str, at: float, activity: ViewerActivity) -> None:
        """Undo ``observe`` counting the viewer's message at ``at`` as shown (slow mode restarts from the one before)."""
        key = self._key("lv", viewer_id)
        since = activity.seconds_since_last

        def ask():
            if since is None:
                self.client.delete(key)
            else:
                self.client.set(key, repr(at - since), ex=LAST_SHOWN_KEEP_SECONDS)

        self._shared(ask, lambda: self._local.unshow(viewer_id, at, activity))

    def _run(self, viewer_id: str, fingerprint: str, normalized: str, at: float, policy: ModerationPolicy,
             record: bool, visible: bool) -> ViewerActivity:
        horizon = max(self.horizon_s, policy.flood_window_s, policy.repetition_window_s, policy.raid_window_s)
        raid_applies = len(normalized) >= policy.raid_min_chars
        text_key = hashlib.sha1(normalized.encode("utf-8", "surrogatepass")).hexdigest()
        keys = [self._key("v", viewer_id), self._key("t", text_key), self._key("lv", viewer_id), self._key("seq")]
        args = [fingerprint, repr(at), repr(at - policy.flood_window_s), repr(at - policy.repetition_window_s),
                repr(at - policy.raid_window_s), "1" if raid_applies else "0", policy.raid_viewers, viewer_id,
                "1" if record else "0", "1" if visible else "0", repr(at - horizon), int(horizon * 2000),
                self.max_per_viewer, LAST_SHOWN_KEEP_SECONDS]
        recent, similar, last, *raiders = self._script(keys=keys, args=args)
        recent, similar = int(recent), int(similar)
        raid = tuple(sorted(sender.decode() for sender in raiders))
        last_at = float(last) if last else None
        if last_at is None and not recent and not similar and not raid:
            return QUIET
        return ViewerActivity(recent, similar, raid, None if last_at is None else at - last_at)

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))
