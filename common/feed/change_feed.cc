#include "absl/strings/string_view.h"
#include "common/feed/change_feed.h"

#include <deque>
#include <memory>
#include <mutex>

#include "common/api/resource.h"
#include "common/log.h"

namespace crm::feed {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
// WatchChanges reads this many changes at a time, and reads again when fewer
// than kRefillBelow are waiting to be sent.
constexpr int kWatchBatch = 200;
constexpr size_t kRefillBelow = 50;

int64_t HeadSequence(db::Connection& connection) {
  SQLite::Statement& head = connection.Prepare("SELECT COALESCE(MAX(sequence), 0) FROM changes");
  head.executeStep();
  const int64_t value = head.getColumn(0).getInt64();
  head.reset();
  return value;
}

// Sends the backlog, then tails new commits. Owned by shared pointers: gRPC
// holds it until OnDone, executor tasks and the commit listener until they
// finish, so none of them outlives it.
class WatchReactor : public grpc::ServerWriteReactor<v1::WatchChangesResponse>,
                     public std::enable_shared_from_this<WatchReactor> {
 public:
  WatchReactor(server::Runtime& runtime, int64_t after_sequence)
      : runtime_(runtime), cursor_(after_sequence) {}

  void Start() {
    self_ = shared_from_this();
    std::weak_ptr<WatchReactor> weak = self_;
    listener_ = runtime_.db().AddCommitListener([weak] {
      if (auto self = weak.lock()) self->OnCommit();
    });
    drain_listener_ = runtime_.AddDrainListener([weak] {
      if (auto self = weak.lock()) self->OnDrain();
    });
    std::lock_guard<std::mutex> lock(mu_);
    FetchLocked();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (!ok) {
      FinishLocked(grpc::Status::CANCELLED);
      return;
    }
    if (pending_finish_) {
      FinishLocked(*pending_finish_);
      return;
    }
    if (behind_ && buffer_.size() < kRefillBelow) FetchLocked();
    WriteLocked();
  }

  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    FinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    runtime_.db().RemoveCommitListener(listener_);
    runtime_.RemoveDrainListener(drain_listener_);
    std::shared_ptr<WatchReactor> last;
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
      last = std::move(self_);
    }
  }

 private:
  void OnDrain() {
    std::lock_guard<std::mutex> lock(mu_);
    FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                              "the service is shutting down: reconnect and resume after the "
                              "last sequence you received"));
  }

  void OnCommit() {
    std::lock_guard<std::mutex> lock(mu_);
    behind_ = true;
    if (buffer_.size() < kRefillBelow) FetchLocked();
  }

  void FetchLocked() {
    if (finished_) return;
    if (fetching_) {
      refetch_ = true;
      return;
    }
    fetching_ = true;
    runtime_.executor().Post([self = shared_from_this()] { self->Fetch(); });
  }

  void Fetch() {
    int64_t after;
    {
      std::lock_guard<std::mutex> lock(mu_);
      after = cursor_;
    }
    std::vector<v1::Change> changes;
    absl::Status status = runtime_.db().Read([&](db::Connection& c) {
      return ReadChanges(c, after, kWatchBatch, &changes);
    });
    std::lock_guard<std::mutex> lock(mu_);
    fetching_ = false;
    if (!status.ok()) {
      FinishLocked(ToGrpcStatus(status));
      return;
    }
    behind_ = static_cast<int>(changes.size()) == kWatchBatch || refetch_;
    refetch_ = false;
    for (auto& change : changes) {
      cursor_ = change.sequence();
      buffer_.push_back(std::move(change));
    }
    if (behind_ && buffer_.size() < kRefillBelow) FetchLocked();
    WriteLocked();
  }

  void WriteLocked() {
    if (writing_ || finished_ || buffer_.empty()) return;
    writing_ = true;
    *current_.mutable_change() = std::move(buffer_.front());
    buffer_.pop_front();
    StartWrite(&current_);
  }

  // Finish may not overlap a write in flight: then it waits for OnWriteDone.
  void FinishLocked(const grpc::Status& status) {
    if (finished_ || done_) return;
    if (writing_) {
      if (!pending_finish_) pending_finish_ = std::make_unique<grpc::Status>(status);
      return;
    }
    finished_ = true;
    Finish(status);
  }

  server::Runtime& runtime_;
  std::mutex mu_;
  int64_t cursor_;
  std::deque<v1::Change> buffer_;
  v1::WatchChangesResponse current_;
  bool writing_ = false, fetching_ = false, refetch_ = false, behind_ = true;
  bool finished_ = false, done_ = false;
  std::unique_ptr<grpc::Status> pending_finish_;
  int listener_ = 0;
  int drain_listener_ = 0;
  std::shared_ptr<WatchReactor> self_;
};

}  // namespace

const char kOutboxSchema[] = R"sql(
CREATE TABLE changes (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  resource_name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  resource_type TEXT NOT NULL,
  resource BLOB,
  change_time INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  method TEXT NOT NULL
);
)sql";

int64_t AppendChange(db::Connection& connection, const std::string& resource_name,
                     v1::ChangeKind kind, const google::protobuf::Message* resource,
                     const server::CallContext& call, absl::string_view request_id) {
  SQLite::Statement& insert = connection.Prepare(
      "INSERT INTO changes (resource_name, kind, resource_type, resource, change_time, "
      "request_id, method) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  insert.bind(1, resource_name);
  insert.bind(2, static_cast<int>(kind));
  if (resource != nullptr) {
    insert.bind(3, resource->GetDescriptor()->full_name());
    const std::string bytes = resource->SerializeAsString();
    insert.bind(4, bytes.data(), static_cast<int>(bytes.size()));
  } else {
    insert.bind(3, std::string());
    insert.bind(4);
  }
  insert.bind(5, static_cast<int64_t>(api::TimeToMicros(call.now)));
  insert.bind(6, std::string(request_id));
  insert.bind(7, call.method);
  insert.exec();
  insert.reset();
  return connection.LastInsertRowId();
}

int RedactChanges(db::Connection& connection, const std::string& resource_name) {
  return connection.Run(
      "UPDATE changes SET resource = NULL, resource_type = '' WHERE resource IS NOT NULL AND "
      "(resource_name = ?1 OR substr(resource_name, 1, length(?1) + 1) = ?1 || '/')",
      {resource_name});
}

absl::Status ReadChanges(db::Connection& connection, int64_t after_sequence, int limit,
                         std::vector<v1::Change>* out) {
  SQLite::Statement& select = connection.Prepare(
      "SELECT sequence, resource_name, kind, resource_type, resource, change_time, request_id, "
      "method FROM changes WHERE sequence > ?1 ORDER BY sequence LIMIT ?2");
  select.bind(1, static_cast<int64_t>(after_sequence));
  select.bind(2, limit);
  while (select.executeStep()) {
    v1::Change& change = out->emplace_back();
    change.set_sequence(select.getColumn(0).getInt64());
    change.set_resource_name(select.getColumn(1).getString());
    change.set_kind(static_cast<v1::ChangeKind>(select.getColumn(2).getInt()));
    const std::string type = select.getColumn(3).getString();
    if (!type.empty()) {
      change.mutable_resource()->set_type_url("type.googleapis.com/" + type);
      change.mutable_resource()->set_value(select.getColumn(4).getString());
    }
    *change.mutable_change_time() = api::MicrosToTimestamp(select.getColumn(5).getInt64());
    change.set_request_id(select.getColumn(6).getString());
    change.set_method(select.getColumn(7).getString());
  }
  select.reset();
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ChangeFeedService::ListChanges(grpc::CallbackServerContext* context,
                                                         const v1::ListChangesRequest* request,
                                                         v1::ListChangesResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListChanges", request, response,
      [this](const server::CallContext&, const v1::ListChangesRequest& req,
             v1::ListChangesResponse* resp) -> absl::Status {
        Violations violations;
        if (req.after_sequence() < 0) violations.Add("after_sequence", "must not be negative");
        if (req.page_size() < 0) violations.Add("page_size", "must not be negative");
        if (!violations.empty()) return violations.ToStatus();
        const int limit = req.page_size() == 0 ? kDefaultPageSize
                                               : std::min(req.page_size(), kMaxPageSize);
        std::vector<v1::Change> changes;
        absl::Status status = runtime_.db().Read([&](db::Connection& c) {
          resp->set_head_sequence(HeadSequence(c));
          return ReadChanges(c, req.after_sequence(), limit, &changes);
        });
        if (!status.ok()) return status;
        resp->set_last_sequence(changes.empty() ? req.after_sequence() : changes.back().sequence());
        for (auto& change : changes) *resp->add_changes() = std::move(change);
        return absl::OkStatus();
      });
}

grpc::ServerWriteReactor<v1::WatchChangesResponse>* ChangeFeedService::WatchChanges(
    grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) {
  struct Refusal : grpc::ServerWriteReactor<v1::WatchChangesResponse> {
    explicit Refusal(const absl::Status& status) { Finish(ToGrpcStatus(status)); }
    void OnDone() override { delete this; }
  };
  if (!runtime_.ready()) return new Refusal(absl::UnavailableError("the service is starting"));
  if (absl::StatusOr<server::Caller> caller = server::ResolveCaller(*context); !caller.ok()) {
    return new Refusal(caller.status());
  }
  if (request->after_sequence() < 0) {
    return new Refusal(InvalidField("after_sequence", "must not be negative"));
  }
  auto reactor = std::make_shared<WatchReactor>(runtime_, request->after_sequence());
  reactor->Start();
  return reactor.get();
}

}  // namespace crm::feed
