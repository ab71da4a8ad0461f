// The standard methods (AIP-131 to 135) for a resource kept in a
// ResourceTable: a service describes the resource once (its table, the
// request field that carries it, its rules) and each handler is one call.
// Every write checks the etag, writes the change feed in its transaction
// and, for creates with a request_id, answers a retry with the first result.
#ifndef CRM_COMMON_SERVER_RESOURCE_HANDLERS_H_
#define CRM_COMMON_SERVER_RESOURCE_HANDLERS_H_

#include <functional>
#include <string>
#include <vector>

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/repeated_field.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/api/field_mask.h"
#include "common/api/filter.h"
#include "common/api/idempotency.h"
#include "common/api/paging.h"
#include "common/api/resource.h"
#include "common/db/resource_table.h"
#include "common/errors.h"
#include "common/feed/change_feed.h"
#include "common/server/runtime.h"

namespace crm::server {

template <typename Resource>
struct ResourceKind {
  const db::ResourceTable* table = nullptr;
  // The request field that carries the resource, e.g. "product".
  std::string field;
  // What an update mask may not name beyond the conventional output-only
  // fields (name, create_time, update_time, etag), which are always added.
  api::FieldMaskRules update_rules;
  // Brings a resource about to be written into canonical form; optional.
  std::function<void(Resource*)> normalize;
  // Adds the violations of a resource about to be written, under `path`.
  std::function<void(const Resource&, const std::string& path, Violations*)> validate;
  // Checks that need storage (references exist, limits), in the write;
  // `before` is null on create. Optional.
  std::function<absl::Status(db::Connection&, const Resource* before, const Resource& after)>
      check_stored;
  // Refuses a delete (e.g. while others refer to the resource). Optional.
  std::function<absl::Status(db::Connection&, const Resource&)> check_delete;
  // Checks with other services what a write names, before the write (and,
  // for a create with a request_id, only when it is not a retry). `named`
  // is the whole resource on create and just the fields the mask names on
  // update. May rewrite `sent` (e.g. a merged partner to its survivor).
  // Optional.
  std::function<absl::Status(const CallContext&, const Resource& named, Resource* sent)>
      check_peers;
  // In the write, before the resource is checked and stored: brings what
  // the server owns in `after` up to date (carried over from `before`, or
  // computed from storage). `before` is empty on create. Optional.
  std::function<void(db::Connection&, const Resource& before, Resource* after)> complete;
};

// Clears name, create_time, update_time and etag: the server's to set.
void ClearOutputOnlyFields(google::protobuf::Message* resource);

// The conventional output-only paths added to a kind's update rules.
api::FieldMaskRules WithOutputOnlyFields(api::FieldMaskRules rules);

// Creates a resource. `id` is client-chosen (checked as an AIP-122 id
// named `id_field`) or, when `id_field` is empty, a new server id.
template <typename Resource>
absl::Status CreateResource(Runtime& runtime, const CallContext& call,
                            const ResourceKind<Resource>& kind, const std::string& id,
                            const std::string& id_field, const Resource* sent,
                            const std::string& request_id,
                            const google::protobuf::Message& request, Resource* out) {
  Violations violations;
  if (!id_field.empty()) violations.AddAll(api::CheckResourceId(id, id_field));
  violations.AddAll(api::ValidateRequestId(request_id, "request_id"));
  Resource resource;
  if (sent == nullptr) {
    violations.Add(kind.field, "is required");
  } else {
    resource = *sent;
    ClearOutputOnlyFields(&resource);
    if (kind.normalize) kind.normalize(&resource);
    kind.validate(resource, kind.field, &violations);
  }
  if (!violations.empty()) return violations.ToStatus();
  if (kind.check_peers) {
    // A retry is answered before other services are asked again.
    absl::StatusOr<bool> answered =
        api::AnswerRetry(runtime.db(), call.method, request_id, request, out);
    if (!answered.ok()) return answered.status();
    if (*answered) return absl::OkStatus();
    if (absl::Status s = kind.check_peers(call, resource, &resource); !s.ok()) return s;
  }
  return runtime.db().Write([&](db::Connection& c) -> absl::Status {
    return api::RunOnce(
        c, call.method, request_id, api::RequestFingerprint(request),
        api::TimeToMicros(call.now), out, [&]() -> absl::Status {
          const std::string key = id_field.empty() ? api::NewId() : id;
          resource.set_name(absl::StrCat(kind.table->collection(), "/", key));
          if (kind.table->Exists(c, key)) {
            return AlreadyExists(resource.name(), "already exists; choose another id");
          }
          if (kind.complete) kind.complete(c, Resource(), &resource);
          if (kind.check_stored) {
            if (absl::Status s = kind.check_stored(c, nullptr, resource); !s.ok()) return s;
          }
          *resource.mutable_create_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
          *resource.mutable_update_time() = resource.create_time();
          resource.set_etag(api::EtagForRevision(1));
          kind.table->Insert(c, key, resource);
          feed::AppendChange(c, resource.name(), feed::v1::CHANGE_KIND_CREATED, &resource, call,
                             request_id);
          *out = resource;
          return absl::OkStatus();
        });
  });
}

// Inside a write: stores a new resource under `id` at revision 1 (name,
// create and update time now, its etag) and puts it on the feed.
template <typename Resource>
void InsertNewResource(db::Connection& c, const CallContext& call, const db::ResourceTable& table,
                       const std::string& id, Resource* resource,
                       const std::string& request_id = "") {
  resource->set_name(absl::StrCat(table.collection(), "/", id));
  *resource->mutable_create_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
  *resource->mutable_update_time() = resource->create_time();
  resource->set_etag(api::EtagForRevision(1));
  table.Insert(c, id, *resource);
  feed::AppendChange(c, resource->name(), feed::v1::CHANGE_KIND_CREATED, resource, call,
                     request_id);
}

// Inside a write: stores `resource`, loaded at `*revision`, as its next
// revision (update time now, a new etag) and puts the change on the feed.
template <typename Resource>
void ReplaceResource(db::Connection& c, const CallContext& call, const db::ResourceTable& table,
                     const std::string& id, int64_t* revision, Resource* resource,
                     const std::string& request_id = "") {
  ++*revision;
  *resource->mutable_update_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
  resource->set_etag(api::EtagForRevision(*revision));
  table.Replace(c, id, *resource, *revision);
  feed::AppendChange(c, resource->name(), feed::v1::CHANGE_KIND_UPDATED, resource, call,
                     request_id);
}

// A state change of one resource (cancel, reject, complete...): loads
// `name`, checks `etag`, lets `change` refuse (its status is returned) or
// change it (and write whatever else goes with it), then stores it as the
// next revision with its feed entry.
template <typename Resource>
absl::Status ChangeResource(
    Runtime& runtime, const CallContext& call, const db::ResourceTable& table,
    const std::string& name, const std::string& etag,
    const std::function<absl::Status(db::Connection&, Resource&)>& change, Resource* out) {
  absl::StatusOr<std::string> id = api::ParseResourceName(name, table.collection(), "name");
  if (!id.ok()) return id.status();
  return runtime.db().Write([&](db::Connection& c) -> absl::Status {
    auto stored = table.template Load<Resource>(c, *id);
    if (!stored) return NotFound(name);
    if (absl::Status s = api::CheckEtag(etag, stored->revision, name); !s.ok()) return s;
    if (absl::Status s = change(c, stored->resource); !s.ok()) return s;
    ReplaceResource(c, call, table, *id, &stored->revision, &stored->resource);
    *out = std::move(stored->resource);
    return absl::OkStatus();
  });
}

template <typename Resource>
absl::Status GetResource(Runtime& runtime, const ResourceKind<Resource>& kind,
                         const std::string& name, Resource* out) {
  absl::StatusOr<std::string> id = api::ParseResourceName(name, kind.table->collection(), "name");
  if (!id.ok()) return id.status();
  return runtime.db().Read([&](db::Connection& c) -> absl::Status {
    auto stored = kind.table->template Load<Resource>(c, *id);
    if (!stored) return NotFound(name);
    *out = std::move(stored->resource);
    return absl::OkStatus();
  });
}

// Updates the fields `mask` names; `sent` carries the name, the new values
// and optionally the etag.
template <typename Resource>
absl::Status UpdateResource(Runtime& runtime, const CallContext& call,
                            const ResourceKind<Resource>& kind, const Resource* sent_resource,
                            const google::protobuf::FieldMask& mask, Resource* out) {
  if (sent_resource == nullptr) return InvalidField(kind.field, "is required");
  Resource sent_copy = *sent_resource;
  Resource* sent = &sent_copy;
  const std::string name_field = absl::StrCat(kind.field, ".name");
  absl::StatusOr<std::string> id =
      api::ParseResourceName(sent->name(), kind.table->collection(), name_field);
  if (!id.ok()) return id.status();
  const api::FieldMaskRules rules = WithOutputOnlyFields(kind.update_rules);
  Resource probe;
  if (absl::Status s = api::ApplyFieldMask(mask, *sent, &probe, rules); !s.ok()) return s;
  if (kind.check_peers) {
    if (absl::Status s = kind.check_peers(call, probe, sent); !s.ok()) return s;
  }
  return runtime.db().Write([&](db::Connection& c) -> absl::Status {
    auto stored = kind.table->template Load<Resource>(c, *id);
    if (!stored) return NotFound(sent->name());
    if (absl::Status s = api::CheckEtag(sent->etag(), stored->revision, sent->name()); !s.ok()) {
      return s;
    }
    const Resource before = stored->resource;
    Resource& updated = stored->resource;
    if (absl::Status s = api::ApplyFieldMask(mask, *sent, &updated, rules); !s.ok()) return s;
    if (kind.complete) kind.complete(c, before, &updated);
    if (kind.normalize) kind.normalize(&updated);
    Violations violations;
    kind.validate(updated, kind.field, &violations);
    if (!violations.empty()) return violations.ToStatus();
    if (kind.check_stored) {
      if (absl::Status s = kind.check_stored(c, &before, updated); !s.ok()) return s;
    }
    *updated.mutable_update_time() = api::MicrosToTimestamp(api::TimeToMicros(call.now));
    ++stored->revision;
    updated.set_etag(api::EtagForRevision(stored->revision));
    kind.table->Replace(c, *id, updated, stored->revision);
    feed::AppendChange(c, updated.name(), feed::v1::CHANGE_KIND_UPDATED, &updated, call, "");
    *out = updated;
    return absl::OkStatus();
  });
}

template <typename Resource>
absl::Status DeleteResource(Runtime& runtime, const CallContext& call,
                            const ResourceKind<Resource>& kind, const std::string& name,
                            const std::string& etag) {
  absl::StatusOr<std::string> id = api::ParseResourceName(name, kind.table->collection(), "name");
  if (!id.ok()) return id.status();
  return runtime.db().Write([&](db::Connection& c) -> absl::Status {
    auto stored = kind.table->template Load<Resource>(c, *id);
    if (!stored) return NotFound(name);
    if (absl::Status s = api::CheckEtag(etag, stored->revision, name); !s.ok()) return s;
    if (kind.check_delete) {
      if (absl::Status s = kind.check_delete(c, stored->resource); !s.ok()) return s;
    }
    kind.table->Delete(c, *id);
    feed::AppendChange(c, name, feed::v1::CHANGE_KIND_DELETED, nullptr, call, "");
    return absl::OkStatus();
  });
}

// One page of a list call.
struct ListQuery {
  int32_t page_size = 0;
  std::string page_token;
  // The request fields that must not change between pages (filter,
  // order_by, ...), joined.
  std::string fingerprint;
  db::SqlFragment where;  // over the table's columns; empty: every row
  api::OrderBy order;
};

// A list request's filter and order_by (AIP-160, AIP-132) compiled against
// what the resource allows, with its paging; a bad one is INVALID_ARGUMENT.
absl::StatusOr<ListQuery> FilteredListQuery(int32_t page_size, const std::string& page_token,
                                            const std::string& filter, const std::string& order_by,
                                            const std::vector<api::FilterField>& filter_fields,
                                            const std::vector<api::OrderField>& order_fields,
                                            const std::string& default_order);

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

template <typename Resource>
absl::Status ListResources(Runtime& runtime, const ResourceKind<Resource>& kind,
                           const ListQuery& query,
                           google::protobuf::RepeatedPtrField<Resource>* out,
                           std::string* next_page_token) {
  absl::StatusOr<int> page_size =
      api::EffectivePageSize(query.page_size, kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<std::vector<db::SqlValue>> after =
      api::DecodePageToken(query.page_token, query.fingerprint, query.order);
  if (!after.ok()) return after.status();
  return runtime.db().Read([&](db::Connection& c) -> absl::Status {
    std::optional<std::vector<db::SqlValue>> next;
    kind.table->List(
        c, query.where, query.order, *after, *page_size,
        [out]() -> google::protobuf::Message* { return out->Add(); }, &next);
    if (next) *next_page_token = api::EncodePageToken(query.fingerprint, *next);
    return absl::OkStatus();
  });
}

}  // namespace crm::server

#endif  // CRM_COMMON_SERVER_RESOURCE_HANDLERS_H_
