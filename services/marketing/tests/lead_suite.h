// Test support for the lead tests (lead_test.cc, lead_assignment_test.cc):
// LeadSuite, the marketing service with a real partners service beside it,
// sample leads and short forms of the outcomes.
#ifndef CRM_SERVICES_MARKETING_TESTS_LEAD_SUITE_H_
#define CRM_SERVICES_MARKETING_TESTS_LEAD_SUITE_H_

#include <google/rpc/error_details.pb.h>

#include <string>
#include <vector>

#include "services/marketing/tests/marketing_fixture.h"

namespace crm::marketing::testing::lead_testing {

using LS = mv1::LeadService::Stub;

// "ALREADY_EXISTS leads/..." naming the lead that has the e-mail address.
inline std::string ExistingLead(const grpc::Status& status) {
  return absl::StrCat(Outcome(status), " ",
                      DetailOf<google::rpc::ResourceInfo>(status).resource_name());
}

// Outcome(status), then the precondition failure's type and subject if any.
inline std::string Result(const grpc::Status& status) {
  const std::string precondition = Precondition(status);
  return precondition.empty() ? Outcome(status) : absl::StrCat(Outcome(status), " ", precondition);
}

// A web lead from Bavaria worth EUR 20,000 (no rules: score 0).
inline mv1::Lead Draft(const std::string& email, const std::string& region = "BY") {
  mv1::Lead lead;
  lead.set_display_name("200 office chairs");
  lead.set_source(mv1::LEAD_SOURCE_WEB);
  lead.mutable_contact()->set_given_name("Ann");
  lead.mutable_contact()->set_family_name("Example");
  lead.mutable_contact()->set_email(email);
  lead.set_country_code("DE");
  lead.set_region(region);
  lead.set_industry_code("G47.1");
  lead.set_product_group("CHAIRS");
  *lead.mutable_estimated_value() = Eur(20000);
  return lead;
}

class LeadSuite : public MarketingBesidePeers {
 protected:
  LeadSuite() : MarketingBesidePeers(Peers{true, false}) {}

  grpc::Status TryCreate(const mv1::Lead& lead, mv1::Lead* out,
                         const std::string& request_id = "") {
    mv1::CreateLeadRequest request;
    *request.mutable_lead() = lead;
    request.set_request_id(request_id);
    return Call(*leads_, &LS::CreateLead, request, out);
  }
  mv1::Lead Create(const mv1::Lead& lead) {
    mv1::Lead out;
    const grpc::Status status = TryCreate(lead, &out);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return out;
  }
  std::string CreateOutcome(const mv1::Lead& lead) {
    mv1::Lead out;
    return Outcome(TryCreate(lead, &out));
  }
  mv1::Lead Get(const std::string& name) {
    mv1::GetLeadRequest request;
    request.set_name(name);
    return MustCall(*leads_, &LS::GetLead, request);
  }
  grpc::Status TryUpdate(const mv1::Lead& lead, const Strings& paths, mv1::Lead* out) {
    mv1::UpdateLeadRequest request;
    *request.mutable_lead() = lead;
    *request.mutable_update_mask() = Mask(paths);
    return Call(*leads_, &LS::UpdateLead, request, out);
  }
  grpc::Status TryQualify(const std::string& name, mv1::Lead* out, const std::string& etag = "") {
    mv1::QualifyLeadRequest request;
    request.set_name(name);
    request.set_etag(etag);
    return Call(*leads_, &LS::QualifyLead, request, out);
  }
  grpc::Status TryAssign(const std::string& name, const std::string& assignee, mv1::Lead* out,
                         int deadline_seconds = 10) {
    mv1::AssignLeadRequest request;
    request.set_name(name);
    request.set_assignee(assignee);
    auto context = crm::testing::ContextWithDeadline(deadline_seconds);
    return leads_->AssignLead(context.get(), request, out);
  }
  grpc::Status TryDisqualify(const std::string& name, const std::string& reason, mv1::Lead* out) {
    mv1::DisqualifyLeadRequest request;
    request.set_name(name);
    request.set_reason(reason);
    return Call(*leads_, &LS::DisqualifyLead, request, out);
  }

  grpc::Status TryScoringRule(const mv1::LeadCondition& condition, int points,
                              mv1::LeadScoringRule* out) {
    mv1::CreateLeadScoringRuleRequest request;
    request.mutable_lead_scoring_rule()->set_display_name("Rule");
    *request.mutable_lead_scoring_rule()->mutable_condition() = condition;
    request.mutable_lead_scoring_rule()->set_points(points);
    return Call(*leads_, &LS::CreateLeadScoringRule, request, out);
  }
  std::string ScoringRule(const mv1::LeadCondition& condition, int points) {
    mv1::LeadScoringRule out;
    REQUIRE(Outcome(TryScoringRule(condition, points, &out)) == "OK");
    return out.name();
  }
  grpc::Status TryRoutingRule(int priority, const mv1::LeadCondition& condition,
                              const std::string& assignee, mv1::LeadRoutingRule* out) {
    mv1::CreateLeadRoutingRuleRequest request;
    request.mutable_lead_routing_rule()->set_display_name("Route");
    request.mutable_lead_routing_rule()->set_priority(priority);
    *request.mutable_lead_routing_rule()->mutable_condition() = condition;
    request.mutable_lead_routing_rule()->set_assignee(assignee);
    return Call(*leads_, &LS::CreateLeadRoutingRule, request, out);
  }
  std::string RoutingRule(int priority, const mv1::LeadCondition& condition,
                          const std::string& assignee) {
    mv1::LeadRoutingRule out;
    const grpc::Status status = TryRoutingRule(priority, condition, assignee, &out);
    INFO(status.error_message());
    REQUIRE(Outcome(status) == "OK");
    return out.name();
  }

  Strings RoutingOrder() {
    const auto response =
        MustCall(*leads_, &LS::ListLeadRoutingRules, mv1::ListLeadRoutingRulesRequest());
    Strings names;
    for (const auto& rule : response.lead_routing_rules()) names.push_back(rule.name());
    return names;
  }

  // Web +30, Bavaria +20, worth EUR 10,000 or more +25, purchased -20.
  Strings StandardRules() {
    mv1::LeadCondition web, bavaria, big, purchased;
    web.add_sources(mv1::LEAD_SOURCE_WEB);
    bavaria.add_regions("by");
    *big.mutable_min_estimated_value() = Eur(10000);
    purchased.add_sources(mv1::LEAD_SOURCE_PURCHASED_LIST);
    return {ScoringRule(web, 30), ScoringRule(bavaria, 20), ScoringRule(big, 25),
            ScoringRule(purchased, -20)};
  }

  // Names of every lead ListLeads gives for filter and order, and the
  // number of pages with `page_size`.
  Strings ListNames(const std::string& filter, const std::string& order_by = "", int page_size = 0,
                    int* pages = nullptr) {
    mv1::ListLeadsRequest request;
    request.set_filter(filter);
    request.set_order_by(order_by);
    request.set_page_size(page_size);
    Strings names;
    int count = 0;
    do {
      const mv1::ListLeadsResponse page = MustCall(*leads_, &LS::ListLeads, request);
      for (const mv1::Lead& lead : page.leads()) names.push_back(lead.name());
      request.set_page_token(page.next_page_token());
      ++count;
    } while (!request.page_token().empty() && count < 50);
    if (pages != nullptr) *pages = count;
    return names;
  }
};

}  // namespace crm::marketing::testing::lead_testing

#endif  // CRM_SERVICES_MARKETING_TESTS_LEAD_SUITE_H_
