// Test support for the merge tests (merge_result_test.cc,
// merge_merged_partners_test.cc, merge_moves_test.cc, merge_requests_test.cc):
// Crm, a partners service in this process with its change feed; partners,
// merge requests, relationships and consent decisions as a user sends them;
// Snapshot and CheckUnchanged for requests that must write nothing; and short
// forms of the outcomes.
#ifndef CRM_SERVICES_PARTNERS_TESTS_MERGE_SUITE_H_
#define CRM_SERVICES_PARTNERS_TESTS_MERGE_SUITE_H_

#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/errors.h"
#include "common/testing/sample_values.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "services/partners/partners_spec.h"

namespace crm::partners::testing::merge_testing {

namespace pv1 = crm::partners::v1;
namespace fv1 = crm::feed::v1;
using crm::testing::ContextWithDeadline;
using crm::testing::DetailOf;
using crm::testing::MakeDate;
using crm::testing::Outcome;
using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;
using Names = std::set<std::string>;
using Strings = std::vector<std::string>;
using Stub = pv1::PartnerService::Stub;

// A unary method of the partner service, e.g. &Stub::MergePartners.
template <typename Request, typename Response>
using Rpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

constexpr auto kPerson = pv1::PARTNER_CATEGORY_PERSON;
constexpr auto kOrganization = pv1::PARTNER_CATEGORY_ORGANIZATION;
constexpr auto kMerged = pv1::PARTNER_STATE_MERGED;
constexpr auto kContact = pv1::RELATIONSHIP_TYPE_HAS_CONTACT_PERSON;

// The type of the PreconditionFailure, e.g. "STATE" or "MERGE_RESULT_INVALID".
inline std::string PreconditionType(const grpc::Status& status) {
  const auto failure = DetailOf<google::rpc::PreconditionFailure>(status);
  return failure.violations().empty() ? "" : failure.violations(0).type();
}

// Partners as a user sends them.
inline pv1::Partner Person(const std::string& given_name, const std::string& family_name) {
  pv1::Partner partner;
  partner.set_category(kPerson);
  partner.mutable_person()->set_given_name(given_name);
  partner.mutable_person()->set_family_name(family_name);
  return partner;
}

inline pv1::Partner Organization(const std::string& legal_name) {
  pv1::Partner partner;
  partner.set_category(kOrganization);
  partner.mutable_organization()->set_legal_name(legal_name);
  return partner;
}

inline void AddEmail(pv1::Partner* partner, const std::string& address, bool is_default = false) {
  pv1::EmailAddress* email = partner->add_email_addresses();
  email->set_address(address);
  email->set_is_default(is_default);
}

inline void AddPhone(pv1::Partner* partner, const std::string& number, bool is_default = false) {
  pv1::PhoneNumber* phone = partner->add_phone_numbers();
  phone->set_number(number);
  phone->set_is_default(is_default);
}

inline void AddRole(pv1::Partner* partner, pv1::RoleType type,
                    pv1::CustomerClass customer_class = pv1::CUSTOMER_CLASS_UNSPECIFIED) {
  pv1::Role* role = partner->add_roles();
  role->set_type(type);
  if (customer_class != pv1::CUSTOMER_CLASS_UNSPECIFIED) {
    role->mutable_customer()->set_customer_class(customer_class);
  }
}

inline pv1::MergePartnersRequest MergeRequest(const pv1::Partner& survivor,
                                              const std::vector<pv1::Partner>& merged) {
  pv1::MergePartnersRequest request;
  request.set_survivor(survivor.name());
  for (const pv1::Partner& partner : merged) request.add_merged_partners(partner.name());
  return request;
}

inline void AddRule(pv1::MergePartnersRequest* request, const std::string& field,
                    const std::string& source_partner) {
  pv1::MergeFieldRule* rule = request->add_field_rules();
  rule->set_field(field);
  rule->set_source_partner(source_partner);
}

inline pv1::Relationship Link(pv1::RelationshipType type, const pv1::Partner& from,
                              const pv1::Partner& to) {
  pv1::Relationship relationship;
  relationship.set_type(type);
  relationship.set_partner(from.name());
  relationship.set_related_partner(to.name());
  return relationship;
}

// A consent decision for `parent`, effective `ago` before now.
template <typename Request>
inline Request Decision(const std::string& parent, pv1::ContactChannel channel,
                        pv1::ContactPurpose purpose, absl::Duration ago) {
  Request request;
  request.set_parent(parent);
  pv1::ConsentRecord* record = request.mutable_consent_record();
  record->set_channel(channel);
  record->set_purpose(purpose);
  record->set_source("call centre, agent 17");
  record->set_text_version("terms-2026-01");
  *record->mutable_effective_time() =
      TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now() - ago));
  return request;
}

template <typename Request>
inline Request Named(const std::string& name) {
  Request request;
  request.set_name(name);
  return request;
}

// Names of the relationships, consent records or partners given.
template <typename Message>
inline Names NamesOf(const google::protobuf::RepeatedPtrField<Message>& messages) {
  Names names;
  for (const Message& message : messages) names.insert(message.name());
  return names;
}

// A partners service in this process, with its change feed.
class Crm {
 public:
  Crm()
      : service_(crm::partners::PartnersSpec()),
        stub_(pv1::PartnerService::NewStub(service_.channel())),
        feed_(fv1::ChangeFeedService::NewStub(service_.channel())) {}

  template <typename Request, typename Response>
  grpc::Status Call(Rpc<Request, Response> method, const Request& request, Response* response) {
    return ((*stub_).*method)(ContextWithDeadline().get(), request, response);
  }

  // Only the status, e.g. Outcome(Try(&Stub::UpdatePartner, request)) == "OK".
  template <typename Request, typename Response>
  grpc::Status Try(Rpc<Request, Response> method, const Request& request) {
    Response ignored;
    return Call(method, request, &ignored);
  }

  // A call that must succeed; its response.
  template <typename Request, typename Response>
  Response Ok(Rpc<Request, Response> method, const Request& request) {
    Response response;
    const grpc::Status status = Call(method, request, &response);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return response;
  }

  // Duplicates are what a merge is for, so the duplicate check is skipped.
  pv1::Partner Create(const pv1::Partner& partner) {
    pv1::CreatePartnerRequest request;
    *request.mutable_partner() = partner;
    request.set_skip_duplicate_check(true);
    return Ok(&Stub::CreatePartner, request);
  }

  pv1::MergePartnersResponse Merge(const pv1::MergePartnersRequest& request) {
    return Ok(&Stub::MergePartners, request);
  }

  pv1::Partner Get(const std::string& name) {
    return Ok(&Stub::GetPartner, Named<pv1::GetPartnerRequest>(name));
  }

  // The record itself in any state, where GetPartner would follow a merge.
  pv1::Partner Stored(const std::string& name) { return Export(name).partner(); }

  pv1::PartnerDataExport Export(const std::string& name) {
    return Ok(&Stub::ExportPartnerData, Named<pv1::ExportPartnerDataRequest>(name));
  }

  pv1::Relationship Relate(const pv1::Relationship& relationship) {
    pv1::CreateRelationshipRequest request;
    *request.mutable_relationship() = relationship;
    return Ok(&Stub::CreateRelationship, request);
  }

  std::vector<pv1::Relationship> RelationshipsOf(const std::string& partner) {
    pv1::ListRelationshipsRequest request;
    request.set_partner(partner);
    request.set_page_size(1000);
    const auto response = Ok(&Stub::ListRelationships, request);
    return {response.relationships().begin(), response.relationships().end()};
  }

  // Newest decision first.
  std::vector<pv1::ConsentRecord> ConsentOf(const std::string& partner) {
    pv1::ListConsentRecordsRequest request;
    request.set_parent(partner);
    request.set_page_size(1000);
    const auto response = Ok(&Stub::ListConsentRecords, request);
    return {response.consent_records().begin(), response.consent_records().end()};
  }

  pv1::ContactDecision Check(const std::string& partner, pv1::ContactChannel channel,
                             pv1::ContactPurpose purpose) {
    pv1::CheckContactPermissionRequest request;
    request.set_partner(partner);
    request.set_channel(channel);
    request.set_purpose(purpose);
    return Ok(&Stub::CheckContactPermission, request);
  }

  void DefineTextField(const std::string& key) {
    pv1::CreateCustomFieldDefinitionRequest request;
    request.set_custom_field_definition_id(key);
    request.mutable_custom_field_definition()->set_display_name(key);
    request.mutable_custom_field_definition()->set_type(pv1::CUSTOM_FIELD_TYPE_STRING);
    request.mutable_custom_field_definition()->add_categories(kPerson);
    Ok(&Stub::CreateCustomFieldDefinition, request);
  }

  Names Listed() {
    pv1::ListPartnersRequest request;
    request.set_page_size(1000);
    return NamesOf(Ok(&Stub::ListPartners, request).partners());
  }

  Names Found(const std::string& query) {
    pv1::SearchPartnersRequest request;
    request.set_query(query);
    request.set_page_size(100);
    const auto response = Ok(&Stub::SearchPartners, request);
    Names names;
    for (const auto& result : response.results()) names.insert(result.partner().name());
    return names;
  }

  // The partner's audit trail, newest first.
  std::vector<pv1::AuditEvent> Audit(const std::string& partner) {
    pv1::ListAuditEventsRequest request;
    request.set_parent(partner);
    request.set_page_size(1000);
    const auto response = Ok(&Stub::ListAuditEvents, request);
    return {response.audit_events().begin(), response.audit_events().end()};
  }

  // The feed after `sequence`, oldest first (one page of up to 1000).
  std::vector<fv1::Change> ChangesAfter(int64_t sequence) {
    fv1::ListChangesRequest request;
    request.set_after_sequence(sequence);
    request.set_page_size(1000);
    fv1::ListChangesResponse response;
    REQUIRE(Outcome(feed_->ListChanges(ContextWithDeadline().get(), request, &response)) == "OK");
    return {response.changes().begin(), response.changes().end()};
  }

  int64_t Head() {
    fv1::ListChangesRequest request;
    request.set_page_size(1);
    fv1::ListChangesResponse response;
    REQUIRE(Outcome(feed_->ListChanges(ContextWithDeadline().get(), request, &response)) == "OK");
    return response.head_sequence();
  }

 private:
  crm::testing::InProcessService service_;
  std::unique_ptr<Stub> stub_;
  std::unique_ptr<fv1::ChangeFeedService::Stub> feed_;
};

// Everything the service holds about some partners (record, relationships,
// consent history, audit trail) and the head of the feed: what a request
// that must write nothing leaves as it was.
struct Snapshot {
  std::map<std::string, pv1::PartnerDataExport> exports;
  int64_t head = 0;
};

inline Snapshot Take(Crm& crm, const std::vector<pv1::Partner>& partners) {
  Snapshot snapshot;
  for (const pv1::Partner& partner : partners) {
    pv1::PartnerDataExport data = crm.Export(partner.name());
    data.clear_export_time();
    snapshot.exports[partner.name()] = data;
  }
  snapshot.head = crm.Head();
  return snapshot;
}

inline void CheckUnchanged(Crm& crm, const Snapshot& before) {
  CHECK(crm.Head() == before.head);
  for (const auto& [name, data] : before.exports) {
    INFO("partner " << name);
    pv1::PartnerDataExport now = crm.Export(name);
    now.clear_export_time();
    CHECK(MessageDifferencer::Equals(now, data));
  }
}

inline Strings Emails(const pv1::Partner& partner) {
  Strings out;
  for (const auto& email : partner.email_addresses()) {
    out.push_back(absl::StrCat(email.address(), email.is_default() ? " (default)" : ""));
  }
  return out;
}

}  // namespace crm::partners::testing::merge_testing

#endif  // CRM_SERVICES_PARTNERS_TESTS_MERGE_SUITE_H_
