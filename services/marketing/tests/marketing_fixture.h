// Test support for the marketing service tests: the marketing service
// in-process over a real channel and a real SQLite file, with real partners
// and sales services beside it (either can be left down: marketing is then
// pointed at a loopback port nobody listens on). Helpers create the
// partners the marketing records name and grant or withdraw consent.
#ifndef CRM_SERVICES_MARKETING_TESTS_MARKETING_FIXTURE_H_
#define CRM_SERVICES_MARKETING_TESTS_MARKETING_FIXTURE_H_

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/api/dates.h"
#include "common/testing/feed_reader.h"
#include "common/testing/process_harness.h"
#include "common/testing/sample_values.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "common/testing/unary_call.h"
#include "crm/marketing/v1/campaign_service.grpc.pb.h"
#include "crm/marketing/v1/lead_service.grpc.pb.h"
#include "crm/marketing/v1/marketing_plan_service.grpc.pb.h"
#include "crm/marketing/v1/segment_service.grpc.pb.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "crm/sales/v1/opportunity_service.grpc.pb.h"
#include "services/marketing/marketing_spec.h"
#include "services/partners/partners_spec.h"
#include "services/sales/sales_spec.h"

namespace crm::marketing::testing {

namespace mv1 = crm::marketing::v1;
namespace pv1 = crm::partners::v1;
namespace sv1 = crm::sales::v1;
using crm::testing::Call;
using crm::testing::DetailOf;
using crm::testing::ErrorReason;
using crm::testing::MakeDate;
using crm::testing::Mask;
using crm::testing::MustCall;
using crm::testing::Outcome;
using crm::testing::Precondition;
using Date = google::type::Date;
using Money = crm::type::v1::Money;
using Strings = std::vector<std::string>;

using PlanStub = mv1::MarketingPlanService::Stub;
using CampaignStub = mv1::CampaignService::Stub;
using SegmentStub = mv1::SegmentService::Stub;
using LeadStub = mv1::LeadService::Stub;
using PartnerStub = pv1::PartnerService::Stub;
using OpportunityStub = sv1::OpportunityService::Stub;

// Dates in the coming year, so that they are never in the past.
inline const int kYear = crm::api::UtcDate(absl::Now()).year() + 1;
inline Date Next(int month, int day) { return MakeDate(kYear, month, day); }

inline Money Eur(int64_t units, int32_t nanos = 0) {
  Money money;
  money.set_currency_code("EUR");
  money.set_units(units);
  money.set_nanos(nanos);
  return money;
}

struct Peers {
  bool partners_up = true;
  bool sales_up = true;
};

class MarketingBesidePeers {
 public:
  explicit MarketingBesidePeers(Peers peers = {}) {
    server::ServiceSpec spec = MarketingSpec();
    if (peers.partners_up) {
      partners_ = std::make_unique<crm::testing::InProcessService>(partners::PartnersSpec());
      partner_stub_ = pv1::PartnerService::NewStub(partners_->channel());
      spec.defaults.peers["partners"] = partners_->address();
    } else {
      spec.defaults.peers["partners"] = absl::StrCat("127.0.0.1:", crm::testing::FreePort());
    }
    if (peers.sales_up) {
      server::ServiceSpec sales_spec = sales::SalesSpec();
      sales_spec.defaults.peers["partners"] = spec.defaults.peers["partners"];
      sales_ = std::make_unique<crm::testing::InProcessService>(sales_spec);
      opportunity_stub_ = sv1::OpportunityService::NewStub(sales_->channel());
      spec.defaults.peers["sales"] = sales_->address();
    } else {
      spec.defaults.peers["sales"] = absl::StrCat("127.0.0.1:", crm::testing::FreePort());
    }
    // No servicedesk here: its feed follower finds nobody listening. Port 1,
    // not a free port: a free port may be handed to another test's server
    // while the follower keeps polling it.
    spec.defaults.peers["servicedesk"] = "127.0.0.1:1";
    marketing_ = std::make_unique<crm::testing::InProcessService>(spec);
    plans_ = mv1::MarketingPlanService::NewStub(marketing_->channel());
    campaigns_ = mv1::CampaignService::NewStub(marketing_->channel());
    segments_ = mv1::SegmentService::NewStub(marketing_->channel());
    leads_ = mv1::LeadService::NewStub(marketing_->channel());
    feed_ = std::make_unique<crm::testing::FeedReader>(marketing_->channel());
  }

  // Shuts a peer down; marketing keeps running.
  void StopPartners() {
    partner_stub_.reset();
    partners_.reset();
  }
  void StopSales() {
    opportunity_stub_.reset();
    sales_.reset();
  }

  // The marketing service's change feed.
  int64_t HeadSequence() { return feed_->HeadSequence(); }
  std::vector<std::string> DescribeChangesAfter(int64_t sequence) {
    return feed_->DescribeChangesAfter(sequence);
  }

  // A partner in the employee role.
  std::string Employee(const std::string& family_name) {
    return Person(family_name, pv1::ROLE_TYPE_EMPLOYEE);
  }

  // An organisation in the channel-partner role.
  std::string ChannelPartner(const std::string& legal_name) {
    pv1::CreatePartnerRequest request;
    pv1::Partner& partner = *request.mutable_partner();
    partner.set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
    partner.mutable_organization()->set_legal_name(legal_name);
    partner.add_roles()->set_type(pv1::ROLE_TYPE_CHANNEL_PARTNER);
    return MustCall(*partner_stub_, &PartnerStub::CreatePartner, request).name();
  }

  // A person playing `role`, with a private address in `region` of `country`,
  // an e-mail address, a mobile number and, when given, a birth date.
  std::string Person(const std::string& family_name, pv1::RoleType role,
                     const std::string& region = "BY", const std::string& country = "DE",
                     const Date& birth_date = Date()) {
    pv1::CreatePartnerRequest request;
    pv1::Partner& partner = *request.mutable_partner();
    partner.set_category(pv1::PARTNER_CATEGORY_PERSON);
    partner.mutable_person()->set_given_name("Alex");
    partner.mutable_person()->set_family_name(family_name);
    if (crm::api::IsDateSet(birth_date))
      *partner.mutable_person()->mutable_birth_date() = birth_date;
    pv1::Address& address = *partner.add_addresses();
    address.set_type(pv1::ADDRESS_TYPE_PRIVATE);
    address.add_street_lines("Hauptstraße 1");
    address.set_postal_code("80331");
    address.set_city("München");
    address.set_region(region);
    address.set_country_code(country);
    partner.add_email_addresses()->set_address(absl::StrCat(family_name, "@example.com"));
    pv1::PhoneNumber& phone = *partner.add_phone_numbers();
    phone.set_number(absl::StrCat("+49170", 1000000 + next_phone_++));
    phone.set_type(pv1::PHONE_TYPE_MOBILE);
    partner.add_roles()->set_type(role);
    return MustCall(*partner_stub_, &PartnerStub::CreatePartner, request).name();
  }

  // Consent for marketing through `channel`, granted or withdrawn.
  void GrantConsent(const std::string& partner, pv1::ContactChannel channel) {
    MustCall(*partner_stub_, &PartnerStub::GrantConsent, ConsentRequest(partner, channel));
  }
  void WithdrawConsent(const std::string& partner, pv1::ContactChannel channel) {
    pv1::WithdrawConsentRequest request;
    request.set_parent(partner);
    *request.mutable_consent_record() = ConsentRequest(partner, channel).consent_record();
    request.mutable_consent_record()->clear_text_version();
    MustCall(*partner_stub_, &PartnerStub::WithdrawConsent, request);
  }

  // The first sales stage, which converted leads start in.
  std::string SalesStage() {
    sv1::CreateSalesStageRequest request;
    request.set_sales_stage_id("qualification");
    request.mutable_sales_stage()->set_display_name("Qualification");
    request.mutable_sales_stage()->set_position(10);
    request.mutable_sales_stage()->set_default_probability_percent(10);
    return MustCall(*opportunity_stub_, &OpportunityStub::CreateSalesStage, request).name();
  }

 protected:
  static pv1::GrantConsentRequest ConsentRequest(const std::string& partner,
                                                 pv1::ContactChannel channel) {
    pv1::GrantConsentRequest request;
    request.set_parent(partner);
    pv1::ConsentRecord& record = *request.mutable_consent_record();
    record.set_channel(channel);
    record.set_purpose(pv1::CONTACT_PURPOSE_MARKETING);
    record.set_source("web form");
    record.set_text_version("2026-01");
    return request;
  }

  int next_phone_ = 0;
  std::unique_ptr<crm::testing::InProcessService> partners_;
  std::unique_ptr<PartnerStub> partner_stub_;
  std::unique_ptr<crm::testing::InProcessService> sales_;
  std::unique_ptr<OpportunityStub> opportunity_stub_;
  std::unique_ptr<crm::testing::InProcessService> marketing_;
  std::unique_ptr<PlanStub> plans_;
  std::unique_ptr<CampaignStub> campaigns_;
  std::unique_ptr<SegmentStub> segments_;
  std::unique_ptr<LeadStub> leads_;
  std::unique_ptr<crm::testing::FeedReader> feed_;
};

}  // namespace crm::marketing::testing

#endif  // CRM_SERVICES_MARKETING_TESTS_MARKETING_FIXTURE_H_
