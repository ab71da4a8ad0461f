#include "services/partners/audit_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/resource.h"
#include "common/audit/field_diff.h"

namespace crm::partners {
namespace {

// Fields whose values identify or describe a person.
constexpr absl::string_view kPersonalPaths[] = {
    "person", "group.group_name", "addresses", "email_addresses", "phone_numbers",
    "bank_accounts", "custom_fields"};

bool IsPersonal(absl::string_view path) {
  for (absl::string_view personal : kPersonalPaths) {
    if (path == personal || absl::StartsWith(path, absl::StrCat(personal, "."))) return true;
  }
  return false;
}

std::string AuditKey(db::Connection& c) {
  SQLite::Statement& select = c.Prepare("SELECT key FROM audit_key");
  select.executeStep();
  const SQLite::Column column = select.getColumn(0);
  std::string key(static_cast<const char*>(column.getBlob()), column.getBytes());
  select.reset();
  return key;
}

// The resource name of a written message: `after`'s, or `before`'s for a
// delete.
std::string ResourceName(const google::protobuf::Message& before,
                         const google::protobuf::Message& after) {
  const google::protobuf::FieldDescriptor* name = after.GetDescriptor()->FindFieldByName("name");
  if (name == nullptr || name->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
    return "";
  }
  const std::string written = after.GetReflection()->GetString(after, name);
  return written.empty() ? before.GetReflection()->GetString(before, name) : written;
}

}  // namespace

void RecordAudit(db::Connection& c, const server::CallContext& call, const std::string& partner_id,
                 const google::protobuf::Message& before,
                 const google::protobuf::Message& after,
                 absl::string_view request_id) {
  audit::DiffOptions options;
  options.ignored = {"name", "display_name", "create_time", "update_time", "etag"};
  options.is_personal = IsPersonal;
  options.hash_key = AuditKey(c);

  v1::AuditEvent event;
  const int64_t now = api::TimeToMicros(call.now);
  *event.mutable_event_time() = api::MicrosToTimestamp(now);
  event.set_principal(call.caller.principal);
  event.set_method(call.method);
  event.set_resource(ResourceName(before, after));
  event.set_request_id(request_id.empty() ? call.trace_id : std::string(request_id));
  for (auto& change : audit::DiffMessages(before, after, options)) {
    *event.add_changes() = std::move(change);
  }
  const std::string blob = event.SerializeAsString();
  SQLite::Statement& insert = c.Prepare(
      "INSERT INTO partner_audit_events (id, partner_id, event_time, event) VALUES (?1, ?2, ?3, ?4)");
  insert.bind(1, api::NewId());
  insert.bind(2, partner_id);
  insert.bind(3, static_cast<int64_t>(now));
  insert.bind(4, blob.data(), static_cast<int>(blob.size()));
  insert.exec();
  insert.reset();
}

const api::OrderBy& AuditOrder() {
  static const auto* order =
      new api::OrderBy{{{"e.event_time", true, true}, {"e.id", true, false}}};
  return *order;
}

AuditPage ListAudit(db::Connection& c, const std::string& partner_id,
                    const std::vector<db::SqlValue>& after, int limit) {
  const db::SqlFragment after_sql = api::AfterCondition(AuditOrder(), after);
  std::vector<db::SqlValue> params = {partner_id};
  params.insert(params.end(), after_sql.params.begin(), after_sql.params.end());
  params.emplace_back(static_cast<int64_t>(limit) + 1);
  SQLite::Statement& select = c.Prepare(
      absl::StrCat("SELECT e.id, e.partner_id, e.event_time, e.event FROM partner_audit_events e "
                   "WHERE e.partner_id = ? AND ",
                   after_sql.sql, " ORDER BY ", api::OrderBySql(AuditOrder()), " LIMIT ?"),
      params);
  AuditPage page;
  std::vector<db::SqlValue> last;
  while (select.executeStep()) {
    if (static_cast<int>(page.events.size()) == limit) {
      page.next_after = last;
      break;
    }
    v1::AuditEvent& event = page.events.emplace_back();
    const SQLite::Column blob = select.getColumn(3);
    event.ParseFromArray(blob.getBlob(), blob.getBytes());
    const std::string id = select.getColumn(0).getString();
    event.set_name(absl::StrCat("partners/", select.getColumn(1).getString(), "/auditEvents/", id));
    last = {select.getColumn(2).getInt64(), id};
  }
  select.reset();
  return page;
}

bool PartnerKnown(db::Connection& c, const std::string& partner_id) {
  SQLite::Statement& select = c.Prepare(
      "SELECT EXISTS (SELECT 1 FROM partners WHERE id = ?1) OR "
      "EXISTS (SELECT 1 FROM partner_audit_events WHERE partner_id = ?1)",
      {partner_id});
  select.executeStep();
  const bool known = select.getColumn(0).getInt() != 0;
  select.reset();
  return known;
}

}  // namespace crm::partners
