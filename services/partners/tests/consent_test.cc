// Consent over a real gRPC channel and a real SQLite file: a grant allows
// contact for exactly its channel and purpose and only if the partner has an
// address for the channel; withdrawals and later grants add to a history that
// is never rewritten; the record with the latest effective time in force at
// the time asked decides (back-dated decisions do not override later ones);
// bad requests name the field and write nothing; request ids make grants
// idempotent; every decision reaches the change feed and the audit trail;
// batch checks answer in the order asked; a deleted partner's consent is gone.
#include <memory>
#include <regex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "common/testing/service_fixture.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "services/partners/partners_spec.h"

namespace {

namespace pv1 = crm::partners::v1;
namespace fv1 = crm::feed::v1;
using crm::testing::ContextWithDeadline;
using google::protobuf::Timestamp;
using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;
using Stub = pv1::PartnerService::Stub;

// A unary method of the partner service, e.g. &Stub::GrantConsent.
template <typename Request, typename Response>
using Rpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

constexpr auto kEmail = pv1::CONTACT_CHANNEL_EMAIL;
constexpr auto kPhone = pv1::CONTACT_CHANNEL_PHONE;
constexpr auto kMail = pv1::CONTACT_CHANNEL_MAIL;
constexpr auto kSms = pv1::CONTACT_CHANNEL_SMS;
constexpr auto kMarketing = pv1::CONTACT_PURPOSE_MARKETING;
constexpr auto kSales = pv1::CONTACT_PURPOSE_SALES;
constexpr auto kService = pv1::CONTACT_PURPOSE_SERVICE;
constexpr auto kGranted = pv1::CONTACT_DECISION_REASON_CONSENT_GRANTED;
constexpr auto kNoConsent = pv1::CONTACT_DECISION_REASON_NO_CONSENT;
constexpr auto kWithdrawn = pv1::CONTACT_DECISION_REASON_CONSENT_WITHDRAWN;
constexpr auto kNoAddress = pv1::CONTACT_DECISION_REASON_NO_ADDRESS;

// "OK", or the code and message, so a failed check shows what the server said.
std::string StatusText(const grpc::Status& status) {
  if (status.ok()) return "OK";
  return absl::StrCat("code ", static_cast<int>(status.error_code()), ": ", status.error_message());
}

std::vector<std::string> ViolationFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  for (const crm::FieldViolation& v : crm::FieldViolationsOf(crm::FromGrpcStatus(status))) {
    fields.push_back(v.field);
  }
  return fields;
}

int64_t Micros(const Timestamp& t) { return TimeUtil::TimestampToMicroseconds(t); }

// A moment `ago` before now, at the microsecond precision the service keeps.
Timestamp Ago(absl::Duration ago) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() - ago));
}

// A person without postal address, with an optional e-mail address and phone.
pv1::Partner Person(const std::string& family_name, const std::string& email = "",
                    pv1::PhoneType phone_type = pv1::PHONE_TYPE_UNSPECIFIED) {
  pv1::Partner partner;
  partner.set_category(pv1::PARTNER_CATEGORY_PERSON);
  partner.mutable_person()->set_given_name("Anna");
  partner.mutable_person()->set_family_name(family_name);
  if (!email.empty()) partner.add_email_addresses()->set_address(email);
  if (phone_type != pv1::PHONE_TYPE_UNSPECIFIED) {
    pv1::PhoneNumber* phone = partner.add_phone_numbers();
    phone->set_number(phone_type == pv1::PHONE_TYPE_MOBILE ? "+491701234567" : "+4930123456");
    phone->set_type(phone_type);
  }
  return partner;
}

// A decision as a user sends it.
pv1::ConsentRecord Decision(pv1::ContactChannel channel, pv1::ContactPurpose purpose,
                            const std::string& source = "web form /newsletter",
                            const std::string& text_version = "newsletter-2026-01") {
  pv1::ConsentRecord record;
  record.set_channel(channel);
  record.set_purpose(purpose);
  record.set_source(source);
  record.set_text_version(text_version);
  return record;
}

pv1::ConsentRecord DecisionAt(pv1::ContactChannel channel, pv1::ContactPurpose purpose,
                              const Timestamp& effective_time) {
  pv1::ConsentRecord record = Decision(channel, purpose);
  *record.mutable_effective_time() = effective_time;
  return record;
}

// Requests as a user sends them.
template <typename Request>
Request WriteRequest(const std::string& parent, const pv1::ConsentRecord& decision,
                     const std::string& request_id = "") {
  Request request;
  request.set_parent(parent);
  *request.mutable_consent_record() = decision;
  request.set_request_id(request_id);
  return request;
}

pv1::ListConsentRecordsRequest ListRequest(const std::string& parent, int channel = 0,
                                           int purpose = 0, int page_size = 0) {
  pv1::ListConsentRecordsRequest request;
  request.set_parent(parent);
  request.set_channel(static_cast<pv1::ContactChannel>(channel));
  request.set_purpose(static_cast<pv1::ContactPurpose>(purpose));
  request.set_page_size(page_size);
  return request;
}

pv1::CheckContactPermissionRequest CheckRequest(const std::string& partner, int channel,
                                                int purpose, const Timestamp* at = nullptr) {
  pv1::CheckContactPermissionRequest request;
  request.set_partner(partner);
  request.set_channel(static_cast<pv1::ContactChannel>(channel));
  request.set_purpose(static_cast<pv1::ContactPurpose>(purpose));
  if (at != nullptr) *request.mutable_check_time() = *at;
  return request;
}

pv1::BatchCheckContactPermissionsRequest BatchRequest(const std::vector<std::string>& partners,
                                                      pv1::ContactChannel channel,
                                                      pv1::ContactPurpose purpose) {
  pv1::BatchCheckContactPermissionsRequest request;
  for (const std::string& partner : partners) request.add_partners(partner);
  request.set_channel(channel);
  request.set_purpose(purpose);
  return request;
}

// A client of the partner service and the change feed.
class ConsentClient {
 public:
  explicit ConsentClient(const std::shared_ptr<grpc::Channel>& channel)
      : stub_(pv1::PartnerService::NewStub(channel)),
        feed_(fv1::ChangeFeedService::NewStub(channel)) {}

  // One call with a deadline; only its status, e.g. Try(&Stub::GrantConsent, request).
  template <typename Request, typename Response>
  grpc::Status Try(Rpc<Request, Response> method, const Request& request) {
    Response ignored;
    return ((*stub_).*method)(ContextWithDeadline().get(), request, &ignored);
  }

  // One call that must succeed; its response.
  template <typename Request, typename Response>
  Response Ok(Rpc<Request, Response> method, const Request& request) {
    Response response;
    const grpc::Status status = ((*stub_).*method)(ContextWithDeadline().get(), request, &response);
    REQUIRE(StatusText(status) == "OK");
    return response;
  }

  pv1::Partner Create(const pv1::Partner& partner) {
    pv1::CreatePartnerRequest request;
    *request.mutable_partner() = partner;
    return Ok(&Stub::CreatePartner, request);
  }

  pv1::ConsentRecord Grant(const std::string& parent, const pv1::ConsentRecord& decision,
                           const std::string& request_id = "") {
    return Ok(&Stub::GrantConsent,
              WriteRequest<pv1::GrantConsentRequest>(parent, decision, request_id));
  }

  pv1::ConsentRecord Withdraw(const std::string& parent, const pv1::ConsentRecord& decision,
                              const std::string& request_id = "") {
    return Ok(&Stub::WithdrawConsent,
              WriteRequest<pv1::WithdrawConsentRequest>(parent, decision, request_id));
  }

  // The whole history (optionally of one channel / purpose), page by page.
  std::vector<pv1::ConsentRecord> History(const std::string& parent, int channel = 0,
                                          int purpose = 0, int page_size = 0) {
    pv1::ListConsentRecordsRequest request = ListRequest(parent, channel, purpose, page_size);
    std::vector<pv1::ConsentRecord> records;
    for (int pages = 0; pages < 100; ++pages) {
      const pv1::ListConsentRecordsResponse response = Ok(&Stub::ListConsentRecords, request);
      if (page_size > 0) CHECK(response.consent_records_size() <= page_size);
      records.insert(records.end(), response.consent_records().begin(),
                     response.consent_records().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return records;
  }

  pv1::ContactDecision Check(const std::string& partner, pv1::ContactChannel channel,
                             pv1::ContactPurpose purpose, const Timestamp* at = nullptr) {
    const pv1::ContactDecision decision =
        Ok(&Stub::CheckContactPermission, CheckRequest(partner, channel, purpose, at));
    CHECK(decision.partner() == partner);
    return decision;
  }

  std::vector<pv1::AuditEvent> AuditEvents(const std::string& parent) {
    pv1::ListAuditEventsRequest request;
    request.set_parent(parent);
    request.set_page_size(1000);
    const pv1::ListAuditEventsResponse response = Ok(&Stub::ListAuditEvents, request);
    return {response.audit_events().begin(), response.audit_events().end()};
  }

  // The feed from `after_sequence` on (one page of up to 1000).
  fv1::ListChangesResponse Changes(int64_t after_sequence = 0) {
    fv1::ListChangesRequest request;
    request.set_after_sequence(after_sequence);
    request.set_page_size(1000);
    fv1::ListChangesResponse response;
    REQUIRE(StatusText(feed_->ListChanges(ContextWithDeadline().get(), request, &response)) ==
            "OK");
    return response;
  }

 private:
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<fv1::ChangeFeedService::Stub> feed_;
};

std::vector<std::string> Names(const std::vector<pv1::ConsentRecord>& records) {
  std::vector<std::string> names;
  for (const auto& record : records) names.push_back(record.name());
  return names;
}

// The decision has `reason`, allows contact exactly when that is a granted
// consent, and rests on `record` ("" for none).
void ExpectDecision(const pv1::ContactDecision& decision, pv1::ContactDecisionReason reason,
                    const std::string& record) {
  CHECK(decision.reason() == reason);
  CHECK(decision.allowed() == (reason == kGranted));
  CHECK(decision.consent_record() == record);
}

// The status is `code`, and for INVALID_ARGUMENT names exactly `field`.
void ExpectError(const grpc::Status& status, grpc::StatusCode code, const std::string& field = "") {
  INFO(StatusText(status));
  CHECK(status.error_code() == code);
  if (code == grpc::StatusCode::INVALID_ARGUMENT) {
    CHECK(ViolationFields(status) == std::vector<std::string>{field});
  }
}

void ExpectInvalid(const grpc::Status& status, const std::string& field) {
  ExpectError(status, grpc::StatusCode::INVALID_ARGUMENT, field);
}

// Sends a write that must be refused and checks that it left nothing behind:
// no new consent record of `partner`, no new change on the feed.
template <typename Request>
void ExpectRefusedWrite(ConsentClient& client, const std::string& partner,
                        Rpc<Request, pv1::ConsentRecord> method, const Request& request,
                        grpc::StatusCode code, const std::string& field = "") {
  const size_t records_before = client.History(partner).size();
  const int64_t head_before = client.Changes().head_sequence();
  ExpectError(client.Try(method, request), code, field);
  CHECK(client.History(partner).size() == records_before);
  CHECK(client.Changes().head_sequence() == head_before);
}

}  // namespace

TEST_CASE("consent: a grant allows contact and names its record", "[consent]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  ConsentClient client(service.channel());
  const pv1::Partner anna = client.Create(Person("Einwilligung", "anna@example.com"));

  const int64_t before = absl::ToUnixMicros(absl::Now());
  const pv1::ConsentRecord granted = client.Grant(anna.name(), Decision(kEmail, kMarketing));
  const int64_t after = absl::ToUnixMicros(absl::Now());

  CHECK(std::regex_match(granted.name(), std::regex(anna.name() + "/consentRecords/[^/]+")));
  CHECK(granted.channel() == kEmail);
  CHECK(granted.purpose() == kMarketing);
  CHECK(granted.state() == pv1::CONSENT_STATE_GRANTED);
  CHECK(granted.source() == "web form /newsletter");
  CHECK(granted.text_version() == "newsletter-2026-01");
  CHECK_FALSE(granted.recorded_by().empty());
  REQUIRE(granted.has_record_time());
  CHECK(Micros(granted.record_time()) >= before);
  CHECK(Micros(granted.record_time()) <= after);
  // No effective time sent: the decision counts from the call.
  REQUIRE(granted.has_effective_time());
  CHECK(Micros(granted.effective_time()) >= before);
  CHECK(Micros(granted.effective_time()) <= after);

  ExpectDecision(client.Check(anna.name(), kEmail, kMarketing), kGranted, granted.name());

  // Listing returns the record exactly as the grant did.
  const std::vector<pv1::ConsentRecord> history = client.History(anna.name());
  REQUIRE(history.size() == 1);
  CHECK(MessageDifferencer::Equals(history[0], granted));
}

TEST_CASE("consent: without a decision for the channel and purpose there is none", "[consent]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  ConsentClient client(service.channel());
  const pv1::Partner ben =
      client.Create(Person("Ohnezustimmung", "ben@example.com", pv1::PHONE_TYPE_MOBILE));

  ExpectDecision(client.Check(ben.name(), kEmail, kMarketing), kNoConsent, "");

  const auto granted = client.Grant(ben.name(), Decision(kEmail, kMarketing));
  ExpectDecision(client.Check(ben.name(), kEmail, kMarketing), kGranted, granted.name());
  // Consent is per channel and per purpose.
  ExpectDecision(client.Check(ben.name(), kEmail, kSales), kNoConsent, "");
  ExpectDecision(client.Check(ben.name(), kPhone, kMarketing), kNoConsent, "");
  ExpectDecision(client.Check(ben.name(), kSms, kMarketing), kNoConsent, "");
}

TEST_CASE("consent: withdrawal and a new grant keep the whole history", "[consent]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  ConsentClient client(service.channel());
  const pv1::Partner carla = client.Create(Person("Widerruf", "carla@example.com"));

  const pv1::ConsentRecord granted = client.Grant(carla.name(), Decision(kEmail, kMarketing));
  // A withdrawal needs channel, purpose and source only.
  const pv1::ConsentRecord withdrawn =
      client.Withdraw(carla.name(), Decision(kEmail, kMarketing, "unsubscribe link", ""));
  CHECK(withdrawn.state() == pv1::CONSENT_STATE_WITHDRAWN);
  CHECK(withdrawn.text_version().empty());
  CHECK(withdrawn.name() != granted.name());

  ExpectDecision(client.Check(carla.name(), kEmail, kMarketing), kWithdrawn, withdrawn.name());

  const pv1::ConsentRecord regranted =
      client.Grant(carla.name(), Decision(kEmail, kMarketing, "call centre, agent 17"));
  ExpectDecision(client.Check(carla.name(), kEmail, kMarketing), kGranted, regranted.name());

  // Nothing was overwritten: three records, newest first.
  CHECK(Names(client.History(carla.name())) ==
        std::vector<std::string>{regranted.name(), withdrawn.name(), granted.name()});
}

TEST_CASE("consent: the history lists newest first, filtered and paged", "[consent]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  ConsentClient client(service.channel());
  const pv1::Partner dora = client.Create(Person("Verlauf", "dora@example.com"));

  // Written out of order; two share an effective time (the later written
  // is the newer decision).
  const Timestamp t5 = Ago(absl::Hours(5)), t4 = Ago(absl::Hours(4)), t2 = Ago(absl::Hours(2));
  const auto e4 = client.Grant(dora.name(), DecisionAt(kEmail, kMarketing, t4));
  const auto e5 = client.Grant(dora.name(), DecisionAt(kEmail, kSales, t5));
  const auto p2a = client.Grant(dora.name(), DecisionAt(kPhone, kMarketing, t2));
  const auto p2b = client.Withdraw(dora.name(), DecisionAt(kPhone, kMarketing, t2));
  const auto e1 = client.Withdraw(dora.name(), DecisionAt(kEmail, kMarketing, Ago(absl::Hours(1))));
  const auto s3 = client.Grant(dora.name(), DecisionAt(kSms, kSales, Ago(absl::Hours(3))));

  const std::vector<std::string> newest_first = {e1.name(), p2b.name(), p2a.name(),
                                                 s3.name(), e4.name(),  e5.name()};
  CHECK(Names(client.History(dora.name())) == newest_first);
  // Pages of two: the same records in the same order, none twice, none missing.
  CHECK(Names(client.History(dora.name(), 0, 0, 2)) == newest_first);
  CHECK(Names(client.History(dora.name(), 0, 0, 1)) == newest_first);

  CHECK(Names(client.History(dora.name(), kEmail)) ==
        std::vector<std::string>{e1.name(), e4.name(), e5.name()});
  CHECK(Names(client.History(dora.name(), 0, kSales)) ==
        std::vector<std::string>{s3.name(), e5.name()});
  CHECK(Names(client.History(dora.name(), kEmail, kMarketing, 1)) ==
        std::vector<std::string>{e1.name(), e4.name()});
  CHECK(client.History(dora.name(), kMail).empty());

  // Page tokens: garbage, or one from a differently filtered listing, is refused.
  pv1::ListConsentRecordsRequest request = ListRequest(dora.name(), 0, 0, 2);
  const auto first = client.Ok(&Stub::ListConsentRecords, request);
  REQUIRE_FALSE(first.next_page_token().empty());
  request.set_page_token("garbage");
  ExpectInvalid(client.Try(&Stub::ListConsentRecords, request), "page_token");
  request.set_page_token(first.next_page_token());
  request.set_channel(kEmail);
  ExpectInvalid(client.Try(&Stub::ListConsentRecords, request), "page_token");
  // Unknown filters and sizes.
  ExpectInvalid(client.Try(&Stub::ListConsentRecords, ListRequest(dora.name(), 99)), "channel");
  ExpectInvalid(client.Try(&Stub::ListConsentRecords, ListRequest(dora.name(), 0, 0, -1)),
                "page_size");
}

TEST_CASE("consent: the effective time decides, not the order of writing", "[consent]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  ConsentClient client(service.channel());
  const pv1::Partner emil = client.Create(Person("Rueckdatiert", "emil@example.com"));

  const Timestamp t3 = Ago(absl::Hours(3)), t2 = Ago(absl::Hours(2)), t1 = Ago(absl::Hours(1));
  const auto first_grant = client.Grant(emil.name(), DecisionAt(kEmail, kMarketing, t3));
  const auto first_withdrawal = client.Withdraw(emil.name(), DecisionAt(kEmail, kMarketing, t2));
  const auto current_grant = client.Grant(emil.name(), Decision(kEmail, kMarketing));
  // Written last, but decided before the current grant: it does not override it.
  const auto backdated = client.Withdraw(emil.name(), DecisionAt(kEmail, kMarketing, t1));
  CHECK(Micros(backdated.effective_time()) == Micros(t1));
  CHECK(Micros(backdated.record_time()) > Micros(t1));

  ExpectDecision(client.Check(emil.name(), kEmail, kMarketing), kGranted, current_grant.name());
  CHECK(Names(client.History(emil.name())) ==
        std::vector<std::string>{current_grant.name(), backdated.name(), first_withdrawal.name(),
                                 first_grant.name()});

  struct AsOf {
    Timestamp at;
    pv1::ContactDecisionReason reason;
    std::string record;
  };
  const std::vector<AsOf> cases = {
      {Ago(absl::Hours(4)), kNoConsent, ""},
      {t3, kGranted, first_grant.name()},
      {Ago(absl::Minutes(150)), kGranted, first_grant.name()},
      {Ago(absl::Minutes(90)), kWithdrawn, first_withdrawal.name()},
      {Ago(absl::Minutes(30)), kWithdrawn, backdated.name()},
  };
  for (const AsOf& c : cases) {
    INFO("as of " << TimeUtil::ToString(c.at));
    ExpectDecision(client.Check(emil.name(), kEmail, kMarketing, &c.at), c.reason, c.record);
  }
}

TEST_CASE("consent: granted consent needs an address for the channel", "[consent]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  ConsentClient client(service.channel());
  // A landline only: no e-mail address, no mobile number, no postal address.
  pv1::Partner fritz = client.Create(Person("Festnetz", "", pv1::PHONE_TYPE_LANDLINE));

  const auto sms = client.Grant(fritz.name(), Decision(kSms, kService));
  const auto phone = client.Grant(fritz.name(), Decision(kPhone, kService));
  const auto mail = client.Grant(fritz.name(), Decision(kMail, kService));
  const auto email = client.Grant(fritz.name(), Decision(kEmail, kService));

  ExpectDecision(client.Check(fritz.name(), kSms, kService), kNoAddress, sms.name());
  ExpectDecision(client.Check(fritz.name(), kPhone, kService), kGranted, phone.name());
  ExpectDecision(client.Check(fritz.name(), kMail, kService), kNoAddress, mail.name());
  ExpectDecision(client.Check(fritz.name(), kEmail, kService), kNoAddress, email.name());

  // The addresses count as they are at the check: add a mobile and a postal address.
  pv1::UpdatePartnerRequest update;
  *update.mutable_partner() = fritz;
  pv1::PhoneNumber* mobile = update.mutable_partner()->add_phone_numbers();
  mobile->set_number("+491701234567");
  mobile->set_type(pv1::PHONE_TYPE_MOBILE);
  pv1::Address* address = update.mutable_partner()->add_addresses();
  address->set_type(pv1::ADDRESS_TYPE_PRIVATE);
  address->set_city("Berlin");
  address->set_country_code("DE");
  update.mutable_update_mask()->add_paths("phone_numbers");
  update.mutable_update_mask()->add_paths("addresses");
  fritz = client.Ok(&Stub::UpdatePartner, update);
  CHECK(client.Check(fritz.name(), kSms, kService).allowed());
  CHECK(client.Check(fritz.name(), kMail, kService).allowed());
  CHECK_FALSE(client.Check(fritz.name(), kEmail, kService).allowed());
}

TEST_CASE("consent: bad requests name the field and write nothing", "[consent]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  ConsentClient client(service.channel());
  const std::string gina = client.Create(Person("Fehler", "gina@example.com")).name();

  const auto refused_grant = [&](const pv1::ConsentRecord& decision, const std::string& field,
                                 const std::string& parent = "") {
    INFO("grant, expecting " << field);
    ExpectRefusedWrite(
        client, gina, &Stub::GrantConsent,
        WriteRequest<pv1::GrantConsentRequest>(parent.empty() ? gina : parent, decision),
        grpc::StatusCode::INVALID_ARGUMENT, field);
  };
  pv1::ConsentRecord d = Decision(kEmail, kMarketing);
  d.set_channel(static_cast<pv1::ContactChannel>(99));
  refused_grant(d, "consent_record.channel");
  refused_grant(Decision(pv1::CONTACT_CHANNEL_UNSPECIFIED, kMarketing), "consent_record.channel");
  d = Decision(kEmail, kMarketing);
  d.set_purpose(static_cast<pv1::ContactPurpose>(42));
  refused_grant(d, "consent_record.purpose");
  refused_grant(Decision(kEmail, kMarketing, ""), "consent_record.source");
  refused_grant(Decision(kEmail, kMarketing, std::string(201, 's')), "consent_record.source");
  refused_grant(Decision(kEmail, kMarketing, "web form", ""), "consent_record.text_version");
  refused_grant(Decision(kEmail, kMarketing, "web form", std::string(101, 'v')),
                "consent_record.text_version");
  refused_grant(DecisionAt(kEmail, kMarketing, Ago(absl::Hours(-1))),
                "consent_record.effective_time");
  d = Decision(kEmail, kMarketing);
  d.mutable_effective_time()->set_nanos(-1);
  refused_grant(d, "consent_record.effective_time");
  refused_grant(Decision(kEmail, kMarketing), "parent", "accounts/x");
  refused_grant(Decision(kEmail, kMarketing), "parent", "partners/");
  // A withdrawal needs a source too.
  ExpectRefusedWrite(
      client, gina, &Stub::WithdrawConsent,
      WriteRequest<pv1::WithdrawConsentRequest>(gina, Decision(kEmail, kMarketing, "", "")),
      grpc::StatusCode::INVALID_ARGUMENT, "consent_record.source");
  // 200 characters of source are fine.
  client.Grant(gina, Decision(kEmail, kMarketing, std::string(200, 's')));
  REQUIRE(client.History(gina).size() == 1);

  ExpectInvalid(client.Try(&Stub::CheckContactPermission, CheckRequest(gina, 0, kMarketing)),
                "channel");
  Timestamp bad_time = Ago(absl::ZeroDuration());
  bad_time.set_nanos(-1);
  ExpectInvalid(
      client.Try(&Stub::CheckContactPermission, CheckRequest(gina, kEmail, kMarketing, &bad_time)),
      "check_time");

  ExpectInvalid(
      client.Try(&Stub::BatchCheckContactPermissions, BatchRequest({}, kEmail, kMarketing)),
      "partners");
  ExpectInvalid(client.Try(&Stub::BatchCheckContactPermissions,
                           BatchRequest({gina, gina}, kEmail, kMarketing)),
                "partners[1]");
  std::vector<std::string> too_many;
  for (int i = 0; i < 1001; ++i) too_many.push_back(absl::StrCat("partners/p", i));
  ExpectInvalid(
      client.Try(&Stub::BatchCheckContactPermissions, BatchRequest(too_many, kEmail, kMarketing)),
      "partners");
}

TEST_CASE("consent: unknown partners are NOT_FOUND", "[consent]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  ConsentClient client(service.channel());
  const std::string hans = client.Create(Person("Bekannt", "hans@example.com")).name();
  const std::string unknown = "partners/does-not-exist";
  const pv1::ConsentRecord decision = Decision(kEmail, kMarketing);
  const auto not_found = grpc::StatusCode::NOT_FOUND;

  ExpectRefusedWrite(client, hans, &Stub::GrantConsent,
                     WriteRequest<pv1::GrantConsentRequest>(unknown, decision, "grant-unknown"),
                     not_found);
  ExpectRefusedWrite(client, hans, &Stub::WithdrawConsent,
                     WriteRequest<pv1::WithdrawConsentRequest>(unknown, decision), not_found);
  ExpectError(client.Try(&Stub::ListConsentRecords, ListRequest(unknown)), not_found);
  ExpectError(client.Try(&Stub::CheckContactPermission, CheckRequest(unknown, kEmail, kMarketing)),
              not_found);
  ExpectError(client.Try(&Stub::BatchCheckContactPermissions,
                         BatchRequest({hans, unknown}, kEmail, kMarketing)),
              not_found);
}

TEST_CASE("consent: a retried grant with the same request id records once", "[consent]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  ConsentClient client(service.channel());
  const std::string ida = client.Create(Person("Wiederholt", "ida@example.com")).name();

  const pv1::ConsentRecord first = client.Grant(ida, Decision(kEmail, kSales), "grant-1");
  const int64_t head = client.Changes().head_sequence();
  const pv1::ConsentRecord retry = client.Grant(ida, Decision(kEmail, kSales), "grant-1");
  CHECK(MessageDifferencer::Equals(first, retry));
  CHECK(client.History(ida).size() == 1);
  CHECK(client.Changes().head_sequence() == head);

  // The same id with a different decision is refused and writes nothing.
  ExpectRefusedWrite(client, ida, &Stub::GrantConsent,
                     WriteRequest<pv1::GrantConsentRequest>(
                         ida, Decision(kEmail, kSales, "signed form 2026-03"), "grant-1"),
                     grpc::StatusCode::INVALID_ARGUMENT, "request_id");
  CHECK(Names(client.History(ida)) == std::vector<std::string>{first.name()});
}

TEST_CASE("consent: decisions reach the change feed and the audit trail", "[consent][feed]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  ConsentClient client(service.channel());
  const std::string jana = client.Create(Person("Protokoll", "jana@example.com")).name();
  const int64_t after_create = client.Changes().head_sequence();

  const auto granted = client.Grant(jana, Decision(kEmail, kMarketing), "feed-grant");
  const auto withdrawn =
      client.Withdraw(jana, Decision(kEmail, kMarketing, "unsubscribe link", ""), "feed-wd");

  const fv1::ListChangesResponse feed = client.Changes(after_create);
  REQUIRE(feed.changes_size() == 2);
  const std::vector<std::tuple<pv1::ConsentRecord, std::string, std::string>> expected = {
      {granted, "GrantConsent", "feed-grant"}, {withdrawn, "WithdrawConsent", "feed-wd"}};
  for (int i = 0; i < 2; ++i) {
    const auto& [record, method, request_id] = expected[i];
    const fv1::Change& change = feed.changes(i);
    INFO(method);
    CHECK(change.sequence() == after_create + 1 + i);
    CHECK(change.resource_name() == record.name());
    CHECK(change.kind() == fv1::CHANGE_KIND_CREATED);
    CHECK(change.method() == method);
    CHECK(change.request_id() == request_id);
    pv1::ConsentRecord payload;
    REQUIRE(change.resource().UnpackTo(&payload));
    CHECK(MessageDifferencer::Equals(payload, record));
  }

  const std::vector<pv1::AuditEvent> events = client.AuditEvents(jana);
  REQUIRE(events.size() == 3);
  CHECK(events[0].method() == "WithdrawConsent");
  CHECK(events[0].request_id() == "feed-wd");
  CHECK(events[1].method() == "GrantConsent");
  CHECK(events[1].request_id() == "feed-grant");
  CHECK(events[2].method() == "CreatePartner");
  CHECK_FALSE(events[1].changes().empty());
}

TEST_CASE("consent: batch check answers for each partner in the order asked", "[consent]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  ConsentClient client(service.channel());
  const pv1::Partner granted = client.Create(Person("Zugestimmt", "ja@example.com"));
  const pv1::Partner never = client.Create(Person("Nie", "nie@example.com"));
  const pv1::Partner withdrawn = client.Create(Person("Zurueck", "weg@example.com"));
  const pv1::Partner no_email = client.Create(Person("Ohnemail"));

  const auto g = client.Grant(granted.name(), Decision(kEmail, kMarketing));
  const Timestamp before_withdrawal = Ago(absl::Minutes(1));
  const auto old =
      client.Grant(withdrawn.name(), DecisionAt(kEmail, kMarketing, Ago(absl::Hours(1))));
  const auto w = client.Withdraw(withdrawn.name(), Decision(kEmail, kMarketing));
  const auto n = client.Grant(no_email.name(), Decision(kEmail, kMarketing));

  pv1::BatchCheckContactPermissionsRequest request = BatchRequest(
      {withdrawn.name(), granted.name(), no_email.name(), never.name()}, kEmail, kMarketing);
  const auto response = client.Ok(&Stub::BatchCheckContactPermissions, request);
  REQUIRE(response.decisions_size() == 4);

  const std::vector<std::pair<pv1::ContactDecisionReason, std::string>> expected = {
      {kWithdrawn, w.name()}, {kGranted, g.name()}, {kNoAddress, n.name()}, {kNoConsent, ""}};
  for (int i = 0; i < 4; ++i) {
    INFO("decision " << i);
    const pv1::ContactDecision& decision = response.decisions(i);
    CHECK(decision.partner() == request.partners(i));
    ExpectDecision(decision, expected[i].first, expected[i].second);
    // Each agrees with the single check.
    CHECK(
        MessageDifferencer::Equals(decision, client.Check(decision.partner(), kEmail, kMarketing)));
  }

  // As of a minute ago only the partner who has since withdrawn was allowed;
  // the other grants came later.
  *request.mutable_check_time() = before_withdrawal;
  const auto earlier = client.Ok(&Stub::BatchCheckContactPermissions, request);
  REQUIRE(earlier.decisions_size() == 4);
  const std::vector<std::pair<pv1::ContactDecisionReason, std::string>> expected_earlier = {
      {kGranted, old.name()}, {kNoConsent, ""}, {kNoConsent, ""}, {kNoConsent, ""}};
  for (int i = 0; i < 4; ++i) {
    INFO("earlier decision " << i);
    CHECK(earlier.decisions(i).partner() == request.partners(i));
    ExpectDecision(earlier.decisions(i), expected_earlier[i].first, expected_earlier[i].second);
  }
}

TEST_CASE("consent: deleting the partner deletes its consent", "[consent]") {
  crm::testing::InProcessService service(crm::partners::PartnersSpec());
  ConsentClient client(service.channel());
  const std::string kurt = client.Create(Person("Geloescht", "kurt@example.com")).name();
  client.Grant(kurt, Decision(kEmail, kMarketing));
  REQUIRE(client.History(kurt).size() == 1);

  pv1::DeletePartnerRequest del;
  del.set_name(kurt);
  client.Ok(&Stub::DeletePartner, del);

  const auto not_found = grpc::StatusCode::NOT_FOUND;
  ExpectError(client.Try(&Stub::ListConsentRecords, ListRequest(kurt)), not_found);
  ExpectError(client.Try(&Stub::CheckContactPermission, CheckRequest(kurt, kEmail, kMarketing)),
              not_found);
  ExpectError(client.Try(&Stub::GrantConsent, WriteRequest<pv1::GrantConsentRequest>(
                                                  kurt, Decision(kEmail, kMarketing))),
              not_found);

  // No record of the partner's decisions is left behind in the file.
  SQLite::Database db(service.db_path(), SQLite::OPEN_READONLY);
  SQLite::Statement rows(db, "SELECT COUNT(*) FROM consent_records");
  REQUIRE(rows.executeStep());
  CHECK(rows.getColumn(0).getInt() == 0);
}
