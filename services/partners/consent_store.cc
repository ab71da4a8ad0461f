#include "services/partners/consent_store.h"

#include "absl/strings/str_cat.h"
#include "common/api/resource.h"

namespace crm::partners {
namespace {

v1::ConsentRecord FromBlob(const SQLite::Column& data) {
  v1::ConsentRecord record;
  record.ParseFromArray(data.getBlob(), data.getBytes());
  return record;
}

}  // namespace

void InsertConsentRecord(db::Connection& c, const std::string& partner_id,
                         const v1::ConsentRecord& record) {
  const std::string blob = record.SerializeAsString();
  SQLite::Statement& insert = c.Prepare(
      "INSERT INTO consent_records (partner_id, channel, purpose, state, effective_time, data) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  insert.bind(1, partner_id);
  insert.bind(2, static_cast<int>(record.channel()));
  insert.bind(3, static_cast<int>(record.purpose()));
  insert.bind(4, static_cast<int>(record.state()));
  insert.bind(5, static_cast<int64_t>(api::TimestampToMicros(record.effective_time())));
  insert.bind(6, blob.data(), static_cast<int>(blob.size()));
  insert.exec();
  insert.reset();
}

std::optional<v1::ConsentRecord> ConsentInForce(db::Connection& c, const std::string& partner_id,
                                                int channel, int purpose, int64_t at_micros) {
  SQLite::Statement& select = c.Prepare(
      "SELECT data FROM consent_records WHERE partner_id = ?1 AND channel = ?2 AND purpose = ?3 "
      "AND effective_time <= ?4 ORDER BY effective_time DESC, seq DESC LIMIT 1",
      {partner_id, int64_t{channel}, int64_t{purpose}, at_micros});
  std::optional<v1::ConsentRecord> record;
  if (select.executeStep()) record = FromBlob(select.getColumn(0));
  select.reset();
  return record;
}

std::vector<std::pair<v1::ConsentRecord, v1::ConsentRecord>> MoveConsentRecords(
    db::Connection& c, const std::string& from_id, const std::string& to_id) {
  std::vector<std::pair<int64_t, v1::ConsentRecord>> held;
  SQLite::Statement& select = c.Prepare(
      "SELECT seq, data FROM consent_records WHERE partner_id = ?1 ORDER BY seq", {from_id});
  while (select.executeStep()) {
    held.emplace_back(select.getColumn(0).getInt64(), FromBlob(select.getColumn(1)));
  }
  select.reset();
  const std::string to_prefix = absl::StrCat("partners/", to_id, "/");
  std::vector<std::pair<v1::ConsentRecord, v1::ConsentRecord>> moved;
  for (auto& [seq, record] : held) {
    v1::ConsentRecord renamed = record;
    const std::string& name = record.name();
    const size_t collection = name.find("/consentRecords/");
    renamed.set_name(absl::StrCat(to_prefix, name.substr(collection + 1)));
    const std::string blob = renamed.SerializeAsString();
    SQLite::Statement& update =
        c.Prepare("UPDATE consent_records SET partner_id = ?2, data = ?3 WHERE seq = ?1");
    update.bind(1, seq);
    update.bind(2, to_id);
    update.bind(3, blob.data(), static_cast<int>(blob.size()));
    update.exec();
    update.reset();
    moved.emplace_back(std::move(record), std::move(renamed));
  }
  return moved;
}

const api::OrderBy& ConsentOrder() {
  static const auto* order =
      new api::OrderBy{{{"effective_time", true, true}, {"seq", true, true}}};
  return *order;
}

ConsentPage ListConsentRecords(db::Connection& c, const ConsentQuery& query) {
  std::string where = "partner_id = ?";
  std::vector<db::SqlValue> params = {query.partner_id};
  if (query.channel != 0) {
    where += " AND channel = ?";
    params.emplace_back(int64_t{query.channel});
  }
  if (query.purpose != 0) {
    where += " AND purpose = ?";
    params.emplace_back(int64_t{query.purpose});
  }
  const db::SqlFragment after = api::AfterCondition(ConsentOrder(), query.after);
  params.insert(params.end(), after.params.begin(), after.params.end());
  params.emplace_back(static_cast<int64_t>(query.limit) + 1);
  SQLite::Statement& select = c.Prepare(
      absl::StrCat("SELECT data, effective_time, seq FROM consent_records WHERE ", where, " AND ",
                   after.sql, " ORDER BY ", api::OrderBySql(ConsentOrder()), " LIMIT ?"),
      params);
  ConsentPage page;
  std::vector<db::SqlValue> last;
  while (select.executeStep()) {
    if (static_cast<int>(page.records.size()) == query.limit) {
      page.next_after = last;
      break;
    }
    page.records.push_back(FromBlob(select.getColumn(0)));
    last = {select.getColumn(1).getInt64(), select.getColumn(2).getInt64()};
  }
  select.reset();
  return page;
}

}  // namespace crm::partners
