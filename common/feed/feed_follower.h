// Following another service's change feed from a cursor kept in this
// service's database, so that a follower resumes where it stopped after a
// restart and acts on each change exactly once: the action and the cursor
// move are one transaction.
//
// Each change goes through two steps. `prepare` runs outside any
// transaction and may call other services (say, to check consent); an
// UNAVAILABLE or DEADLINE_EXCEEDED from it, or the feed being unreachable,
// makes the follower wait and try the same change again. `apply` runs in
// the write that also stores the new cursor. Any other error from either
// step is logged and counted, and the change is passed over: one bad change
// never stops the feed.
#ifndef CRM_COMMON_FEED_FEED_FOLLOWER_H_
#define CRM_COMMON_FEED_FEED_FOLLOWER_H_

#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/db/database.h"
#include "common/server/runtime.h"
#include "common/server/service_host.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"

namespace crm::feed {

// The cursors table; part of the migration of a service that follows feeds.
extern const char kCursorSchema[];

// The last sequence of `source` acted on (0 before the first).
int64_t ReadCursor(db::Connection& c, const std::string& source);

struct FeedFollowerOptions {
  // Names the feed in the cursors table, logs and metrics, e.g. "sales".
  std::string source;
  // The followed service.
  std::shared_ptr<grpc::Channel> channel;
  // Changes read per call.
  int page_size = 100;
  // Wait between reads when the feed has nothing new.
  absl::Duration poll_interval = absl::Milliseconds(500);
  // Longest wait between attempts while the feed or a peer is unreachable.
  absl::Duration max_backoff = absl::Seconds(10);
};

// A change with what `prepare` found out for `apply`.
using Prepared = std::shared_ptr<void>;

struct ChangeHandler {
  // Optional; outside any transaction.
  std::function<absl::StatusOr<Prepared>(const v1::Change&, absl::Time deadline)> prepare;
  // In the write that moves the cursor past the change.
  std::function<absl::Status(db::Connection&, const server::CallContext&, const v1::Change&,
                             const Prepared&)>
      apply;
};

class FeedFollower final : public server::BackgroundTask {
 public:
  FeedFollower(server::Runtime& runtime, FeedFollowerOptions options, ChangeHandler handler);
  ~FeedFollower() override;

  void Start() override;
  void Stop() override;

 private:
  void Run();
  // Reads and handles one page; returns how long to wait before the next.
  absl::Duration Step();
  // Waits up to `wait` unless stopped; returns false once stopped.
  bool Sleep(absl::Duration wait);

  server::Runtime& runtime_;
  FeedFollowerOptions options_;
  ChangeHandler handler_;
  std::unique_ptr<v1::ChangeFeedService::Stub> stub_;
  absl::Duration backoff_;
  bool failing_ = false;  // only the follower's thread reads and writes it
  prometheus::Gauge* cursor_gauge_ = nullptr;
  prometheus::Counter* skipped_ = nullptr;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace crm::feed

#endif  // CRM_COMMON_FEED_FEED_FOLLOWER_H_
