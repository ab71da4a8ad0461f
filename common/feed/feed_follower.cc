#include "common/feed/feed_follower.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/client/peer_call.h"
#include "common/log.h"

namespace crm::feed {

const char kCursorSchema[] = R"sql(
CREATE TABLE feed_cursors (
  source TEXT PRIMARY KEY,
  sequence INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

int64_t ReadCursor(db::Connection& c, const std::string& source) {
  return c.QueryInt64("SELECT coalesce(max(sequence), 0) FROM feed_cursors WHERE source = ?1",
                      {source});
}

namespace {

bool Transient(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

constexpr absl::Duration kFirstBackoff = absl::Milliseconds(200);

}  // namespace

FeedFollower::FeedFollower(server::Runtime& runtime, FeedFollowerOptions options,
                           ChangeHandler handler)
    : runtime_(runtime),
      options_(std::move(options)),
      handler_(std::move(handler)),
      stub_(v1::ChangeFeedService::NewStub(options_.channel)),
      backoff_(kFirstBackoff) {
  cursor_gauge_ = &prometheus::BuildGauge()
                       .Name("crm_feed_follower_cursor")
                       .Help("The last sequence of a followed change feed that was acted on.")
                       .Register(runtime_.metrics())
                       .Add({{"source", options_.source}});
  skipped_ = &prometheus::BuildCounter()
                  .Name("crm_feed_follower_skipped_total")
                  .Help("Changes passed over because handling them failed for good.")
                  .Register(runtime_.metrics())
                  .Add({{"source", options_.source}});
}

FeedFollower::~FeedFollower() { Stop(); }

void FeedFollower::Start() {
  thread_ = std::thread([this] { Run(); });
}

void FeedFollower::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool FeedFollower::Sleep(absl::Duration wait) {
  std::unique_lock<std::mutex> lock(mu_);
  wake_.wait_for(lock, absl::ToChronoMilliseconds(wait), [this] { return stopping_; });
  return !stopping_;
}

void FeedFollower::Run() {
  absl::Duration wait = absl::ZeroDuration();
  while (Sleep(wait)) {
    try {
      wait = Step();
    } catch (const std::exception& e) {
      log::Error("feed follower failed", {{"source", options_.source}, {"error", e.what()}});
      wait = options_.max_backoff;
    }
  }
}

absl::Duration FeedFollower::Step() {
  // Logged when the trouble starts, not on every retry: a peer that is
  // not deployed (yet) would fill the log.
  auto retry_later = [this](const absl::Status& status, const char* what) {
    if (!failing_) {
      log::Warn(what, {{"source", options_.source}, {"status", status.ToString()}});
      failing_ = true;
    }
    const absl::Duration wait = backoff_;
    backoff_ = std::min(backoff_ * 2, options_.max_backoff);
    return wait;
  };
  int64_t cursor = 0;
  absl::Status read = runtime_.db().Read([&](db::Connection& c) {
    cursor = ReadCursor(c, options_.source);
    return absl::OkStatus();
  });
  if (!read.ok()) return retry_later(read, "cannot read the feed cursor");
  cursor_gauge_->Set(static_cast<double>(cursor));

  v1::ListChangesRequest request;
  request.set_after_sequence(cursor);
  request.set_page_size(options_.page_size);
  client::PeerCallOptions call_options;
  call_options.default_timeout = absl::Seconds(10);
  absl::StatusOr<v1::ListChangesResponse> page =
      client::InvokePeer(*stub_, &v1::ChangeFeedService::Stub::ListChanges, request, false,
                         absl::InfiniteFuture(), call_options);
  if (!page.ok()) return retry_later(page.status(), "cannot read the followed feed");

  for (const v1::Change& change : page->changes()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return absl::ZeroDuration();
    }
    Prepared prepared;
    absl::Status failure;
    if (handler_.prepare) {
      absl::StatusOr<Prepared> result = handler_.prepare(change, absl::Now() + absl::Seconds(10));
      if (result.ok()) {
        prepared = *std::move(result);
      } else if (Transient(result.status())) {
        return retry_later(result.status(), "a followed change waits for a peer");
      } else {
        failure = result.status();
      }
    }
    server::CallContext call;
    call.caller.principal = absl::StrCat("feed:", options_.source);
    call.method = absl::StrCat("Follow", options_.source);
    call.now = absl::Now();
    call.deadline = absl::InfiniteFuture();
    absl::Status written = runtime_.db().Write([&](db::Connection& c) -> absl::Status {
      // Another follower of the same source must not have moved on.
      if (ReadCursor(c, options_.source) != cursor) {
        return absl::AbortedError("the cursor moved");
      }
      if (failure.ok()) {
        // A failing apply leaves nothing behind, but the cursor still moves.
        c.Execute("SAVEPOINT follower_apply");
        failure = handler_.apply(c, call, change, prepared);
        c.ResetStatements();
        c.Execute(failure.ok() ? "RELEASE follower_apply"
                               : "ROLLBACK TO follower_apply; RELEASE follower_apply");
      }
      c.Run(
          "INSERT INTO feed_cursors (source, sequence) VALUES (?1, ?2) "
          "ON CONFLICT (source) DO UPDATE SET sequence = excluded.sequence",
          {options_.source, change.sequence()});
      return absl::OkStatus();
    });
    if (!written.ok()) return retry_later(written, "cannot store a followed change");
    if (!failure.ok()) {
      skipped_->Increment();
      log::Warn("followed change passed over", {{"source", options_.source},
                                                {"sequence", absl::StrCat(change.sequence())},
                                                {"resource", change.resource_name()},
                                                {"status", failure.ToString()}});
    }
    cursor = change.sequence();
    cursor_gauge_->Set(static_cast<double>(cursor));
  }
  if (failing_) {
    log::Info("following the feed again", {{"source", options_.source}});
    failing_ = false;
  }
  backoff_ = kFirstBackoff;
  return static_cast<int>(page->changes().size()) == options_.page_size ? absl::ZeroDuration()
                                                                        : options_.poll_interval;
}

}  // namespace crm::feed
