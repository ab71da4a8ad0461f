// PartnersService: consent per channel and purpose, and the question every
// campaign must ask first, "may we contact this partner?".
#include <set>

#include "absl/strings/str_cat.h"
#include "common/api/idempotency.h"
#include "common/api/paging.h"
#include "common/api/resource.h"
#include "common/feed/change_feed.h"
#include "common/validation/field_checks.h"
#include "services/partners/audit_store.h"
#include "services/partners/consent_store.h"
#include "services/partners/partner_store.h"
#include "services/partners/partners_service.h"

namespace crm::partners {
namespace {

using server::CallContext;

constexpr char kPartners[] = "partners";
constexpr size_t kMaxSourceChars = 200;
constexpr size_t kMaxTextVersionChars = 100;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
constexpr int kMaxBatchPartners = 1000;

// Field checks of a decision as sent; `state` is what the method records.
void ValidateConsentRecord(const v1::ConsentRecord& record, v1::ConsentState state,
                           absl::Time now, Violations* out) {
  const std::string prefix = "consent_record";
  validation::CheckRequiredEnum(record.channel(), v1::ContactChannel_IsValid,
                                validation::Child(prefix, "channel"), out);
  validation::CheckRequiredEnum(record.purpose(), v1::ContactPurpose_IsValid,
                                validation::Child(prefix, "purpose"), out);
  validation::CheckRequiredText(record.source(), kMaxSourceChars,
                                validation::Child(prefix, "source"), out);
  const std::string text_version = validation::Child(prefix, "text_version");
  if (state == v1::CONSENT_STATE_GRANTED) {
    validation::CheckRequiredText(record.text_version(), kMaxTextVersionChars, text_version, out);
  } else {
    validation::CheckText(record.text_version(), kMaxTextVersionChars, text_version, out);
  }
  if (record.has_effective_time()) {
    const std::string field = validation::Child(prefix, "effective_time");
    if (!api::IsValidTimestamp(record.effective_time())) {
      out->Add(field, "must be a valid timestamp");
    } else if (api::TimestampToMicros(record.effective_time()) > api::TimeToMicros(now)) {
      out->Add(field, "must not be in the future");
    }
  }
}

void CheckChannelAndPurpose(int channel, int purpose, Violations* out) {
  validation::CheckRequiredEnum(channel, v1::ContactChannel_IsValid, "channel", out);
  validation::CheckRequiredEnum(purpose, v1::ContactPurpose_IsValid, "purpose", out);
}

absl::StatusOr<int64_t> CheckTime(const CallContext& call, bool has_time,
                                  const google::protobuf::Timestamp& time) {
  if (!has_time) return api::TimeToMicros(call.now);
  if (!api::IsValidTimestamp(time)) return InvalidField("check_time", "must be a valid timestamp");
  return api::TimestampToMicros(time);
}

// Whether the partner has somewhere to reach it by `channel`.
bool HasAddressFor(const v1::Partner& partner, v1::ContactChannel channel) {
  switch (channel) {
    case v1::CONTACT_CHANNEL_EMAIL:
      return partner.email_addresses_size() > 0;
    case v1::CONTACT_CHANNEL_MAIL:
      return partner.addresses_size() > 0;
    case v1::CONTACT_CHANNEL_PHONE:
      for (const auto& phone : partner.phone_numbers()) {
        if (phone.type() != v1::PHONE_TYPE_FAX) return true;
      }
      return false;
    case v1::CONTACT_CHANNEL_SMS:
      for (const auto& phone : partner.phone_numbers()) {
        if (phone.type() == v1::PHONE_TYPE_MOBILE) return true;
      }
      return false;
    default:
      return false;
  }
}

absl::StatusOr<v1::ContactDecision> Decide(db::Connection& c, const std::string& name,
                                           const std::string& id, v1::ContactChannel channel,
                                           v1::ContactPurpose purpose, int64_t at_micros) {
  std::optional<StoredPartner> partner = LoadPartner(c, id);
  if (!partner) return NotFound(name);
  v1::ContactDecision decision;
  decision.set_partner(name);
  if (!IsActive(partner->partner)) {
    decision.set_reason(v1::CONTACT_DECISION_REASON_PARTNER_INACTIVE);
    return decision;
  }
  std::optional<v1::ConsentRecord> record = ConsentInForce(c, id, channel, purpose, at_micros);
  if (!record) {
    decision.set_reason(v1::CONTACT_DECISION_REASON_NO_CONSENT);
    return decision;
  }
  decision.set_consent_record(record->name());
  if (record->state() != v1::CONSENT_STATE_GRANTED) {
    decision.set_reason(v1::CONTACT_DECISION_REASON_CONSENT_WITHDRAWN);
  } else if (!HasAddressFor(partner->partner, channel)) {
    decision.set_reason(v1::CONTACT_DECISION_REASON_NO_ADDRESS);
  } else {
    decision.set_allowed(true);
    decision.set_reason(v1::CONTACT_DECISION_REASON_CONSENT_GRANTED);
  }
  return decision;
}

}  // namespace

// Grant and withdraw differ only in the state they record.
absl::Status PartnersService::RecordConsent(const CallContext& call, const std::string& parent,
                                            const v1::ConsentRecord& sent,
                                            v1::ConsentState state,
                                            const std::string& request_id,
                                            const google::protobuf::Message& request,
                                            v1::ConsentRecord* response) {
  Violations violations;
  absl::StatusOr<std::string> partner_id = api::ParseResourceName(parent, kPartners, "parent");
  if (!partner_id.ok()) violations.AddAll(partner_id.status());
  if (absl::Status s = api::ValidateRequestId(request_id, "request_id"); !s.ok()) {
    violations.AddAll(s);
  }
  ValidateConsentRecord(sent, state, call.now, &violations);
  if (!violations.empty()) return violations.ToStatus();

  const std::string fingerprint = api::RequestFingerprint(request);
  return runtime_.db().Write([&](db::Connection& c) -> absl::Status {
    return api::RunOnce(
        c, call.method, request_id, fingerprint, api::TimeToMicros(call.now), response,
        [&]() -> absl::Status {
          std::optional<StoredPartner> partner = LoadPartner(c, *partner_id);
          if (!partner) return NotFound(parent);
          if (absl::Status s = RequireActive(partner->partner); !s.ok()) return s;
          v1::ConsentRecord record;
          record.set_name(absl::StrCat(parent, "/consentRecords/", api::NewId()));
          record.set_channel(sent.channel());
          record.set_purpose(sent.purpose());
          record.set_state(state);
          const google::protobuf::Timestamp now =
              api::MicrosToTimestamp(api::TimeToMicros(call.now));
          *record.mutable_effective_time() =
              sent.has_effective_time()
                  ? api::MicrosToTimestamp(api::TimestampToMicros(sent.effective_time()))
                  : now;
          record.set_source(sent.source());
          record.set_text_version(sent.text_version());
          *record.mutable_record_time() = now;
          record.set_recorded_by(call.caller.principal);
          InsertConsentRecord(c, *partner_id, record);
          feed::AppendChange(c, record.name(), feed::v1::CHANGE_KIND_CREATED, &record, call,
                             request_id);
          RecordAudit(c, call, *partner_id, v1::ConsentRecord(), record, request_id);
          *response = std::move(record);
          return absl::OkStatus();
        });
  });
}

grpc::ServerUnaryReactor* PartnersService::GrantConsent(grpc::CallbackServerContext* context,
                                                        const v1::GrantConsentRequest* request,
                                                        v1::ConsentRecord* response) {
  return server::RunUnary(
      runtime_, context, "GrantConsent", request, response,
      [this](const CallContext& call, const v1::GrantConsentRequest& req,
             v1::ConsentRecord* resp) {
        return RecordConsent(call, req.parent(), req.consent_record(), v1::CONSENT_STATE_GRANTED,
                             req.request_id(), req, resp);
      });
}

grpc::ServerUnaryReactor* PartnersService::WithdrawConsent(
    grpc::CallbackServerContext* context, const v1::WithdrawConsentRequest* request,
    v1::ConsentRecord* response) {
  return server::RunUnary(
      runtime_, context, "WithdrawConsent", request, response,
      [this](const CallContext& call, const v1::WithdrawConsentRequest& req,
             v1::ConsentRecord* resp) {
        return RecordConsent(call, req.parent(), req.consent_record(),
                             v1::CONSENT_STATE_WITHDRAWN, req.request_id(), req, resp);
      });
}

grpc::ServerUnaryReactor* PartnersService::ListConsentRecords(
    grpc::CallbackServerContext* context, const v1::ListConsentRecordsRequest* request,
    v1::ListConsentRecordsResponse* response) {
  return server::RunUnary(
      runtime_, context, "ListConsentRecords", request, response,
      [this](const CallContext&, const v1::ListConsentRecordsRequest& req,
             v1::ListConsentRecordsResponse* resp) -> absl::Status {
        Violations violations;
        ConsentQuery query;
        absl::StatusOr<std::string> partner_id =
            api::ParseResourceName(req.parent(), kPartners, "parent");
        if (partner_id.ok()) query.partner_id = *partner_id; else violations.AddAll(partner_id.status());
        validation::CheckEnum(req.channel(), v1::ContactChannel_IsValid, "channel", &violations);
        validation::CheckEnum(req.purpose(), v1::ContactPurpose_IsValid, "purpose", &violations);
        absl::StatusOr<int> page_size =
            api::EffectivePageSize(req.page_size(), kDefaultPageSize, kMaxPageSize);
        if (!page_size.ok()) violations.AddAll(page_size.status());
        if (!violations.empty()) return violations.ToStatus();
        query.channel = req.channel();
        query.purpose = req.purpose();
        query.limit = *page_size;
        const std::string fingerprint =
            absl::StrCat(req.parent(), "|", req.channel(), "|", req.purpose());
        absl::StatusOr<std::vector<db::SqlValue>> after =
            api::DecodePageToken(req.page_token(), fingerprint, ConsentOrder());
        if (!after.ok()) return after.status();
        query.after = *std::move(after);
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          if (!LoadPartner(c, query.partner_id)) return NotFound(req.parent());
          ConsentPage page = partners::ListConsentRecords(c, query);
          for (auto& record : page.records) *resp->add_consent_records() = std::move(record);
          if (page.next_after) {
            resp->set_next_page_token(api::EncodePageToken(fingerprint, *page.next_after));
          }
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::CheckContactPermission(
    grpc::CallbackServerContext* context, const v1::CheckContactPermissionRequest* request,
    v1::ContactDecision* response) {
  return server::RunUnary(
      runtime_, context, "CheckContactPermission", request, response,
      [this](const CallContext& call, const v1::CheckContactPermissionRequest& req,
             v1::ContactDecision* resp) -> absl::Status {
        Violations violations;
        absl::StatusOr<std::string> id = api::ParseResourceName(req.partner(), kPartners, "partner");
        if (!id.ok()) violations.AddAll(id.status());
        CheckChannelAndPurpose(req.channel(), req.purpose(), &violations);
        absl::StatusOr<int64_t> at = CheckTime(call, req.has_check_time(), req.check_time());
        if (!at.ok()) violations.AddAll(at.status());
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          absl::StatusOr<v1::ContactDecision> decision =
              Decide(c, req.partner(), *id, req.channel(), req.purpose(), *at);
          if (!decision.ok()) return decision.status();
          *resp = *std::move(decision);
          return absl::OkStatus();
        });
      });
}

grpc::ServerUnaryReactor* PartnersService::BatchCheckContactPermissions(
    grpc::CallbackServerContext* context, const v1::BatchCheckContactPermissionsRequest* request,
    v1::BatchCheckContactPermissionsResponse* response) {
  return server::RunUnary(
      runtime_, context, "BatchCheckContactPermissions", request, response,
      [this](const CallContext& call, const v1::BatchCheckContactPermissionsRequest& req,
             v1::BatchCheckContactPermissionsResponse* resp) -> absl::Status {
        Violations violations;
        if (req.partners_size() == 0) violations.Add("partners", "is required");
        validation::CheckMaxEntries(req.partners_size(), kMaxBatchPartners, "partners",
                                    &violations);
        std::vector<std::string> ids;
        std::set<std::string> seen;
        for (int i = 0; i < req.partners_size(); ++i) {
          const std::string field = validation::Element("partners", i);
          absl::StatusOr<std::string> id =
              api::ParseResourceName(req.partners(i), kPartners, field);
          if (!id.ok()) {
            violations.AddAll(id.status());
          } else if (!seen.insert(*id).second) {
            violations.Add(field, "is asked for twice");
          }
          ids.push_back(id.ok() ? *id : "");
        }
        CheckChannelAndPurpose(req.channel(), req.purpose(), &violations);
        absl::StatusOr<int64_t> at = CheckTime(call, req.has_check_time(), req.check_time());
        if (!at.ok()) violations.AddAll(at.status());
        if (!violations.empty()) return violations.ToStatus();
        return runtime_.db().Read([&](db::Connection& c) -> absl::Status {
          for (int i = 0; i < req.partners_size(); ++i) {
            absl::StatusOr<v1::ContactDecision> decision =
                Decide(c, req.partners(i), ids[i], req.channel(), req.purpose(), *at);
            if (!decision.ok()) return decision.status();
            *resp->add_decisions() = *std::move(decision);
          }
          return absl::OkStatus();
        });
      });
}

}  // namespace crm::partners
