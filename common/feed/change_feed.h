// The change feed (crm.feed.v1.ChangeFeedService), the same in every service.
//
// A write appends its change to the `changes` outbox in the write's own
// transaction, so the feed holds exactly the committed writes, in commit
// order, with sequences 1, 2, 3... and no gaps. Followers keep their own
// cursor and read with ListChanges or WatchChanges.
#ifndef CRM_COMMON_FEED_CHANGE_FEED_H_
#define CRM_COMMON_FEED_CHANGE_FEED_H_

#include <string>

#include <google/protobuf/message.h>

#include "absl/strings/string_view.h"
#include "common/db/database.h"
#include "common/server/runtime.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"

namespace crm::feed {

// The outbox table; part of every service's first migration.
extern const char kOutboxSchema[];

// Appends a change; call inside the write's transaction. `resource` is null
// for deletions. Returns the change's sequence.
int64_t AppendChange(db::Connection& connection, const std::string& resource_name,
                     v1::ChangeKind kind, const google::protobuf::Message* resource,
                     const server::CallContext& call, absl::string_view request_id);

// Removes the payloads of the changes of a resource and of the resources
// below it ("partners/1" and "partners/1/consentRecords/…"), keeping that
// and when they changed; for erasure of personal data. Call in the erasing
// write. Scans the outbox: meant for rare calls. Returns the changes
// redacted.
int RedactChanges(db::Connection& connection, const std::string& resource_name);

// Reads up to `limit` changes after `after_sequence`, oldest first.
absl::Status ReadChanges(db::Connection& connection, int64_t after_sequence, int limit,
                         std::vector<v1::Change>* out);

class ChangeFeedService final : public v1::ChangeFeedService::CallbackService {
 public:
  explicit ChangeFeedService(server::Runtime& runtime) : runtime_(runtime) {}

  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* context,
                                        const v1::ListChangesRequest* request,
                                        v1::ListChangesResponse* response) override;

  grpc::ServerWriteReactor<v1::WatchChangesResponse>* WatchChanges(
      grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) override;

 private:
  server::Runtime& runtime_;
};

}  // namespace crm::feed

#endif  // CRM_COMMON_FEED_CHANGE_FEED_H_
