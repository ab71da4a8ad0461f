#include "services/marketing/lead_import.h"

#include <cmath>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/api/resource.h"
#include "common/money/money.h"
#include "common/server/resource_handlers.h"
#include "common/validation/field_checks.h"
#include "services/marketing/lead_rules.h"
#include "services/marketing/lead_store.h"
#include "services/marketing/schema.h"

namespace crm::marketing {
namespace {

// The columns an import may name, each with the lead path it fills.
const std::map<std::string, std::string>& KnownColumns() {
  static const auto* columns = new std::map<std::string, std::string>{
      {"display_name", "lead.display_name"},
      {"given_name", "lead.contact.given_name"},
      {"family_name", "lead.contact.family_name"},
      {"company_name", "lead.contact.company_name"},
      {"email", "lead.contact.email"},
      {"phone", "lead.contact.phone"},
      {"job_title", "lead.contact.job_title"},
      {"country_code", "lead.country_code"},
      {"region", "lead.region"},
      {"industry_code", "lead.industry_code"},
      {"product_group", "lead.product_group"},
      {"estimated_value", "lead.estimated_value"},
      {"currency_code", "lead.estimated_value.currency_code"},
      {"notes", "lead.notes"},
  };
  return *columns;
}

// An amount such as "48000.50" in nanos; nullopt when it is not one.
std::optional<int64_t> ParseAmount(const std::string& text) {
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value) || value < 0 || value > 1e12) {
    return std::nullopt;
  }
  return static_cast<int64_t>(std::llround(value * 1e9));
}

}  // namespace

absl::StatusOr<LeadColumns> LeadColumns::FromHeader(const std::vector<std::string>& header) {
  LeadColumns columns;
  std::set<std::string> seen;
  for (const std::string& raw : header) {
    std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(raw));
    // A byte-order mark some spreadsheets write before the first column.
    if (columns.names_.empty() && absl::StartsWith(name, "\xEF\xBB\xBF")) name = name.substr(3);
    if (KnownColumns().count(name) == 0) {
      return InvalidField("csv_chunk", absl::StrCat("the header names the unknown column \"", name,
                                                    "\"; known are display_name, given_name, "
                                                    "family_name, company_name, email, phone, "
                                                    "job_title, country_code, region, "
                                                    "industry_code, product_group, "
                                                    "estimated_value, currency_code, notes"));
    }
    if (!seen.insert(name).second) {
      return InvalidField("csv_chunk",
                          absl::StrCat("the header names the column \"", name, "\" twice"));
    }
    columns.names_.push_back(name);
  }
  if (seen.count("family_name") == 0) {
    return InvalidField("csv_chunk", "the header needs a family_name column");
  }
  return columns;
}

bool LeadColumns::RowToLead(const text::CsvRecord& row, const v1::LeadImportSettings& settings,
                            v1::Lead* lead, std::string* column, std::string* reason) const {
  if (!row.error.empty()) {
    *column = "";
    *reason = row.error;
    return false;
  }
  if (row.fields.size() != names_.size()) {
    *column = "";
    *reason = absl::StrCat("has ", row.fields.size(), " fields; the header names ", names_.size());
    return false;
  }
  std::map<std::string, std::string> value;
  for (size_t i = 0; i < names_.size(); ++i) {
    value[names_[i]] = std::string(absl::StripAsciiWhitespace(row.fields[i]));
  }
  v1::LeadContact& contact = *lead->mutable_contact();
  contact.set_given_name(value["given_name"]);
  contact.set_family_name(value["family_name"]);
  contact.set_company_name(value["company_name"]);
  contact.set_email(value["email"]);
  contact.set_phone(value["phone"]);
  contact.set_job_title(value["job_title"]);
  lead->set_country_code(absl::AsciiStrToUpper(value["country_code"]));
  lead->set_region(value["region"]);
  lead->set_industry_code(value["industry_code"]);
  lead->set_product_group(value["product_group"]);
  lead->set_notes(value["notes"]);
  lead->set_source(settings.source() == v1::LEAD_SOURCE_UNSPECIFIED ? v1::LEAD_SOURCE_PURCHASED_LIST
                                                                    : settings.source());
  lead->set_campaign(settings.campaign());
  std::string title = value["display_name"];
  if (title.empty()) {
    title = !contact.company_name().empty()
                ? contact.company_name()
                : absl::StrCat(contact.given_name(), contact.given_name().empty() ? "" : " ",
                               contact.family_name());
  }
  lead->set_display_name(title);
  if (!value["estimated_value"].empty()) {
    std::optional<int64_t> nanos = ParseAmount(value["estimated_value"]);
    if (!nanos) {
      *column = "estimated_value";
      *reason = "must be a number such as 48000.50, not negative";
      return false;
    }
    if (value["currency_code"].empty()) {
      *column = "currency_code";
      *reason = "is required with estimated_value";
      return false;
    }
    std::optional<type::v1::Money> money = money::FromNanos(nanos.value(), value["currency_code"]);
    if (!money) {
      *column = "currency_code";
      *reason = "must be an ISO 4217 code such as EUR";
      return false;
    }
    *lead->mutable_estimated_value() = *money;
  }
  return true;
}

std::string ColumnOfPath(const std::string& path) {
  for (const auto& [column, field] : KnownColumns()) {
    if (field == path) return column;
  }
  if (absl::StartsWith(path, "lead.estimated_value")) return "estimated_value";
  return path;
}

namespace {

class LeadImport final
    : public grpc::ServerBidiReactor<v1::ImportLeadsRequest, v1::ImportLeadsResponse> {
 public:
  LeadImport(server::Runtime& runtime, grpc::CallbackServerContext* context,
             server::CallContext call)
      : runtime_(runtime), context_(context), call_(std::move(call)) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    runtime_.executor().Post([this, ok] { ok ? Consume() : EndOfInput(); });
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the client went away"));
    } else if (input_ended_) {
      Finish(grpc::Status::OK);
    } else {
      StartRead(&request_);
    }
  }

  void OnDone() override { delete this; }

 private:
  void Consume() {
    absl::Status status = Guarded([&] {
      if (first_) {
        first_ = false;
        settings_ = request_.settings();
        if (absl::Status s = CheckSettings(); !s.ok()) return s;
      }
      std::vector<text::CsvRecord> records;
      reader_.Feed(request_.csv_chunk(), &records);
      return Process(records);
    });
    if (!status.ok()) {
      Finish(ToGrpcStatus(status));
      return;
    }
    Reply();
  }

  void EndOfInput() {
    input_ended_ = true;
    // A cancelled stream ends mid-row: nothing after the last whole chunk.
    if (context_->IsCancelled()) {
      Finish(grpc::Status::CANCELLED);
      return;
    }
    absl::Status status = Guarded([&] {
      std::vector<text::CsvRecord> records;
      reader_.Finish(&records);
      return Process(records);
    });
    if (!status.ok()) {
      Finish(ToGrpcStatus(status));
      return;
    }
    Reply();
  }

  // Writes the results so far, or reads on (finishes, at the end) if none.
  void Reply() {
    if (response_.results().empty()) {
      if (input_ended_) {
        Finish(grpc::Status::OK);
      } else {
        StartRead(&request_);
      }
      return;
    }
    StartWrite(&response_);
  }

  absl::Status Guarded(const std::function<absl::Status()>& work) {
    response_.clear_results();
    try {
      return work();
    } catch (const std::exception& e) {
      return db::StatusFromSqliteException(e);
    }
  }

  absl::Status CheckSettings() {
    Violations violations;
    validation::CheckEnum(settings_.source(), v1::LeadSource_IsValid, "settings.source",
                          &violations);
    validation::CheckOptionalReference(settings_.campaign(), "campaigns", "settings.campaign",
                                       &violations);
    if (!violations.empty()) return violations.ToStatus();
    if (settings_.campaign().empty()) return absl::OkStatus();
    return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
      if (!CampaignTable().Exists(
              c, settings_.campaign().substr(settings_.campaign().find('/') + 1))) {
        return NotFound(settings_.campaign());
      }
      return absl::OkStatus();
    });
  }

  // The header, then the rows: the rows of one chunk in one transaction.
  absl::Status Process(std::vector<text::CsvRecord>& records) {
    size_t next = 0;
    if (!columns_ && !records.empty()) {
      absl::StatusOr<LeadColumns> columns = LeadColumns::FromHeader(records[0].fields);
      if (!columns.ok()) return columns.status();
      columns_ = *std::move(columns);
      next = 1;
    }
    if (next == records.size()) return absl::OkStatus();
    call_.now = absl::Now();
    return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
      const std::vector<v1::LeadScoringRule> rules = LoadScoringRules(c);
      for (size_t i = next; i < records.size(); ++i) ImportRow(c, rules, records[i]);
      return absl::OkStatus();
    });
  }

  void ImportRow(db::Connection& c, const std::vector<v1::LeadScoringRule>& rules,
                 const text::CsvRecord& row) {
    v1::LeadImportResult& result = *response_.add_results();
    result.set_line(row.line);
    v1::Lead lead;
    std::string column, reason;
    if (!columns_->RowToLead(row, settings_, &lead, &column, &reason)) {
      result.set_outcome(v1::LEAD_IMPORT_OUTCOME_REJECTED);
      result.set_column(column);
      result.set_reason(reason);
      return;
    }
    Violations violations;
    ValidateLead(lead, "lead", &violations);
    if (!violations.empty()) {
      result.set_outcome(v1::LEAD_IMPORT_OUTCOME_REJECTED);
      result.set_column(ColumnOfPath(violations.list()[0].field));
      result.set_reason(violations.list()[0].description);
      return;
    }
    const std::string email = absl::AsciiStrToLower(lead.contact().email());
    if (!email.empty()) {
      auto earlier = imported_.find(email);
      std::optional<std::string> duplicate = earlier != imported_.end()
                                                 ? std::optional<std::string>(earlier->second)
                                                 : FindDuplicateLead(c, lead, "");
      if (duplicate) {
        result.set_outcome(v1::LEAD_IMPORT_OUTCOME_DUPLICATE);
        result.set_lead(*duplicate);
        return;
      }
    }
    lead.set_state(v1::LEAD_STATE_OPEN);
    ScoreLead(rules, &lead);
    server::InsertNewResource(c, call_, LeadTable(), api::NewId(), &lead);
    if (!email.empty()) imported_[email] = lead.name();
    result.set_outcome(v1::LEAD_IMPORT_OUTCOME_CREATED);
    result.set_lead(lead.name());
  }

  server::Runtime& runtime_;
  grpc::CallbackServerContext* context_;
  server::CallContext call_;
  v1::ImportLeadsRequest request_;
  v1::ImportLeadsResponse response_;
  v1::LeadImportSettings settings_;
  text::CsvReader reader_;
  std::optional<LeadColumns> columns_;
  // E-mail address (lower case) to the lead this import created for it.
  std::map<std::string, std::string> imported_;
  bool first_ = true;
  bool input_ended_ = false;
};

}  // namespace

grpc::ServerBidiReactor<v1::ImportLeadsRequest, v1::ImportLeadsResponse>* StartLeadImport(
    server::Runtime& runtime, grpc::CallbackServerContext* context) {
  struct Refusal : grpc::ServerBidiReactor<v1::ImportLeadsRequest, v1::ImportLeadsResponse> {
    explicit Refusal(const absl::Status& status) { Finish(ToGrpcStatus(status)); }
    void OnDone() override { delete this; }
  };
  if (!runtime.ready()) return new Refusal(absl::UnavailableError("the service is starting"));
  absl::StatusOr<server::Caller> caller = server::ResolveCaller(*context);
  if (!caller.ok()) return new Refusal(caller.status());
  server::CallContext call;
  call.caller = *std::move(caller);
  call.method = "ImportLeads";
  call.now = absl::Now();
  call.deadline = absl::InfiniteFuture();
  return new LeadImport(runtime, context, std::move(call));
}

}  // namespace crm::marketing
