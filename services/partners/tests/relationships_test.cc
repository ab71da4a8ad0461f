// Relationships between partners over a real channel and a real SQLite file:
// which categories each type joins, field checks, unknown names, no
// overlapping twins (marriage both ways round), a hierarchy without cycles
// or second parents and how GetPartnerHierarchy walks it, listing from either
// side with paging, updates with masks and etags, deletes (also through the
// partner), the change feed and both partners' audit trails, and that a
// refused write leaves nothing behind.

#include <catch2/catch.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"
#include "crm/partners/v1/partners_service.grpc.pb.h"
#include "services/partners/partners_spec.h"

namespace {

namespace pv1 = crm::partners::v1;
namespace fv1 = crm::feed::v1;
using crm::testing::ContextWithDeadline;
using crm::testing::Outcome;
using Date = google::type::Date;

constexpr auto kContact = pv1::RELATIONSHIP_TYPE_HAS_CONTACT_PERSON;
constexpr auto kSubsidiary = pv1::RELATIONSHIP_TYPE_IS_SUBSIDIARY_OF;
constexpr auto kShareholder = pv1::RELATIONSHIP_TYPE_IS_SHAREHOLDER_OF;
constexpr auto kMarried = pv1::RELATIONSHIP_TYPE_IS_MARRIED_TO;
constexpr auto kMember = pv1::RELATIONSHIP_TYPE_IS_MEMBER_OF_GROUP;
constexpr auto kResponsible = pv1::RELATIONSHIP_TYPE_HAS_RESPONSIBLE_EMPLOYEE;
constexpr auto kAgent = pv1::RELATIONSHIP_TYPE_IS_AGENT_OF;

// The descriptions of the violations, to see which field a mask error names.
std::string Descriptions(const grpc::Status& status) {
  std::string out;
  for (const auto& v : crm::FieldViolationsOf(crm::FromGrpcStatus(status))) {
    absl::StrAppend(&out, v.description, "; ");
  }
  return out;
}

Date Day(int year, int month, int day) {
  Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

pv1::Relationship Link(pv1::RelationshipType type, const pv1::Partner& from, const pv1::Partner& to,
                       std::optional<Date> valid_from = {}, std::optional<Date> valid_to = {}) {
  pv1::Relationship r;
  r.set_type(type);
  r.set_partner(from.name());
  r.set_related_partner(to.name());
  if (valid_from) *r.mutable_valid_from() = *valid_from;
  if (valid_to) *r.mutable_valid_to() = *valid_to;
  return r;
}

pv1::Relationship Shares(const pv1::Partner& holder, const pv1::Partner& company,
                         int basis_points) {
  pv1::Relationship r = Link(kShareholder, holder, company);
  r.mutable_shareholder()->set_share_basis_points(basis_points);
  return r;
}

// The partners service and its change feed, one fresh database per test.
class Crm {
 public:
  Crm()
      : service_(crm::partners::PartnersSpec()),
        stub_(pv1::PartnerService::NewStub(service_.channel())),
        feed_(fv1::ChangeFeedService::NewStub(service_.channel())) {}

  pv1::PartnerService::Stub& stub() { return *stub_; }

  pv1::Partner Person(const std::string& given, const std::string& family) {
    pv1::Partner p;
    p.set_category(pv1::PARTNER_CATEGORY_PERSON);
    p.mutable_person()->set_given_name(given);
    p.mutable_person()->set_family_name(family);
    return CreatePartner(p);
  }
  pv1::Partner Organization(const std::string& legal_name) {
    pv1::Partner p;
    p.set_category(pv1::PARTNER_CATEGORY_ORGANIZATION);
    p.mutable_organization()->set_legal_name(legal_name);
    return CreatePartner(p);
  }
  pv1::Partner Group(const std::string& group_name) {
    pv1::Partner p;
    p.set_category(pv1::PARTNER_CATEGORY_GROUP);
    p.mutable_group()->set_group_name(group_name);
    p.mutable_group()->set_group_type(pv1::GROUP_TYPE_HOUSEHOLD);
    return CreatePartner(p);
  }
  grpc::Status DeletePartner(const std::string& name) {
    pv1::DeletePartnerRequest request;
    request.set_name(name);
    google::protobuf::Empty empty;
    return stub_->DeletePartner(ContextWithDeadline().get(), request, &empty);
  }

  grpc::Status TryCreate(const pv1::Relationship& r, pv1::Relationship* out = nullptr,
                         const std::string& request_id = "") {
    pv1::CreateRelationshipRequest request;
    *request.mutable_relationship() = r;
    request.set_request_id(request_id);
    pv1::Relationship ignored;
    return stub_->CreateRelationship(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  pv1::Relationship Create(const pv1::Relationship& r) {
    pv1::Relationship created;
    REQUIRE(Outcome(TryCreate(r, &created)) == "OK");
    return created;
  }
  grpc::Status TryGet(const std::string& name, pv1::Relationship* out = nullptr) {
    pv1::GetRelationshipRequest request;
    request.set_name(name);
    pv1::Relationship ignored;
    return stub_->GetRelationship(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryUpdate(const pv1::Relationship& r, const std::vector<std::string>& paths,
                         pv1::Relationship* out = nullptr) {
    pv1::UpdateRelationshipRequest request;
    *request.mutable_relationship() = r;
    for (const auto& path : paths) request.mutable_update_mask()->add_paths(path);
    pv1::Relationship ignored;
    return stub_->UpdateRelationship(ContextWithDeadline().get(), request, out ? out : &ignored);
  }
  grpc::Status TryDelete(const std::string& name, const std::string& etag = "") {
    pv1::DeleteRelationshipRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return stub_->DeleteRelationship(ContextWithDeadline().get(), request, &empty);
  }

  grpc::Status TryList(const pv1::ListRelationshipsRequest& request,
                       pv1::ListRelationshipsResponse* out) {
    return stub_->ListRelationships(ContextWithDeadline().get(), request, out);
  }
  // Every relationship matching, following next_page_token to the end.
  std::vector<pv1::Relationship> ListAll(pv1::ListRelationshipsRequest request) {
    std::vector<pv1::Relationship> all;
    for (int pages = 0; pages < 100; ++pages) {
      pv1::ListRelationshipsResponse response;
      REQUIRE(Outcome(TryList(request, &response)) == "OK");
      all.insert(all.end(), response.relationships().begin(), response.relationships().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return all;
  }
  std::vector<std::string> ListNames(const std::string& partner, pv1::RelationshipType type = {},
                                     std::optional<Date> valid_on = {}) {
    pv1::ListRelationshipsRequest request;
    request.set_partner(partner);
    request.set_type(type);
    if (valid_on) *request.mutable_valid_on() = *valid_on;
    std::vector<std::string> names;
    for (const auto& r : ListAll(request)) names.push_back(r.name());
    return names;
  }

  grpc::Status TryHierarchy(const std::string& name, int max_depth,
                            pv1::GetPartnerHierarchyResponse* out,
                            std::optional<Date> valid_on = {}) {
    pv1::GetPartnerHierarchyRequest request;
    request.set_name(name);
    request.set_max_depth(max_depth);
    if (valid_on) *request.mutable_valid_on() = *valid_on;
    return stub_->GetPartnerHierarchy(ContextWithDeadline().get(), request, out);
  }

  // Newest first.
  std::vector<pv1::AuditEvent> AuditEvents(const std::string& partner) {
    pv1::ListAuditEventsRequest request;
    request.set_parent(partner);
    request.set_page_size(1000);
    pv1::ListAuditEventsResponse response;
    REQUIRE(Outcome(stub_->ListAuditEvents(ContextWithDeadline().get(), request, &response)) ==
            "OK");
    return {response.audit_events().begin(), response.audit_events().end()};
  }

  int64_t HeadSequence() { return ChangesAfter(0, 1).head_sequence(); }
  fv1::ListChangesResponse ChangesAfter(int64_t sequence, int page_size = 1000) {
    fv1::ListChangesRequest request;
    request.set_after_sequence(sequence);
    request.set_page_size(page_size);
    fv1::ListChangesResponse response;
    REQUIRE(Outcome(feed_->ListChanges(ContextWithDeadline().get(), request, &response)) == "OK");
    return response;
  }

 private:
  pv1::Partner CreatePartner(const pv1::Partner& partner) {
    pv1::CreatePartnerRequest request;
    *request.mutable_partner() = partner;
    pv1::Partner created;
    REQUIRE(Outcome(stub_->CreatePartner(ContextWithDeadline().get(), request, &created)) == "OK");
    return created;
  }

  crm::testing::InProcessService service_;
  std::unique_ptr<pv1::PartnerService::Stub> stub_;
  std::unique_ptr<fv1::ChangeFeedService::Stub> feed_;
};

// "level partner parent relationship" per node, to compare whole hierarchies.
std::vector<std::string> Describe(const pv1::GetPartnerHierarchyResponse& response) {
  std::vector<std::string> out;
  for (const auto& n : response.nodes()) {
    out.push_back(absl::StrCat(n.level(), " ", n.display_name(), " ", n.partner(),
                               " parent=", n.parent(), " via=", n.relationship()));
  }
  return out;
}

std::string Node(int level, const pv1::Partner& partner, const pv1::Partner* parent,
                 const pv1::Relationship* via) {
  return absl::StrCat(level, " ", partner.display_name(), " ", partner.name(),
                      " parent=", parent ? parent->name() : "", " via=", via ? via->name() : "");
}

}  // namespace

TEST_CASE("relationships: each type joins only its categories", "[relationships]") {
  Crm crm;
  const auto anna = crm.Person("Anna", "Berg");
  const auto ben = crm.Person("Ben", "Berg");
  const auto acme = crm.Organization("Acme AG");
  const auto bolt = crm.Organization("Bolt GmbH");
  const auto club = crm.Group("Chess Club");

  for (const auto& r :
       {Link(kContact, acme, anna), Link(kSubsidiary, acme, bolt), Shares(anna, acme, 2550),
        Shares(bolt, acme, 1), Link(kMarried, anna, ben), Link(kMember, anna, club),
        Link(kMember, acme, club), Link(kResponsible, club, ben), Link(kAgent, ben, club)}) {
    INFO(pv1::RelationshipType_Name(r.type())
         << " " << r.partner() << " -> " << r.related_partner());
    pv1::Relationship created;
    CHECK(Outcome(crm.TryCreate(r, &created)) == "OK");
    CHECK(absl::StartsWith(created.name(), "relationships/"));
    CHECK(created.etag() == "\"1\"");
    CHECK(created.create_time().seconds() > 0);
  }

  const std::string on_partner = "INVALID_ARGUMENT relationship.partner";
  const std::string on_related = "INVALID_ARGUMENT relationship.related_partner";
  const std::vector<std::pair<pv1::Relationship, std::string>> refused = {
      {Link(kContact, anna, ben), on_partner},
      {Link(kContact, acme, bolt), on_related},
      {Link(kSubsidiary, anna, acme), on_partner},
      {Link(kSubsidiary, acme, club), on_related},
      {Shares(club, acme, 100), on_partner},
      {Shares(anna, ben, 100), on_related},
      {Link(kMarried, anna, acme), on_related},
      {Link(kMember, anna, acme), on_related},
      {Link(kMember, club, anna), on_partner + ", relationship.related_partner"},
      {Link(kResponsible, acme, bolt), on_related},
      {Link(kAgent, club, anna), on_partner},
  };
  for (const auto& [r, outcome] : refused) {
    INFO(pv1::RelationshipType_Name(r.type())
         << " " << r.partner() << " -> " << r.related_partner());
    CHECK(Outcome(crm.TryCreate(r)) == outcome);
  }
  CHECK(crm.ListNames("").size() == 9);
}

TEST_CASE("relationships: field rules, and a refused create leaves nothing", "[relationships]") {
  Crm crm;
  const auto anna = crm.Person("Anna", "Berg");
  const auto acme = crm.Organization("Acme AG");
  const auto bolt = crm.Organization("Bolt GmbH");
  const int64_t head = crm.HeadSequence();

  pv1::Relationship untyped = Link(kContact, acme, anna);
  untyped.clear_type();
  pv1::Relationship wrong_attributes = Link(kContact, acme, anna);
  wrong_attributes.mutable_shareholder()->set_share_basis_points(100);
  pv1::Relationship contact_on_subsidiary = Link(kSubsidiary, acme, bolt);
  contact_on_subsidiary.mutable_contact_person()->set_department("Purchasing");
  pv1::Relationship long_department = Link(kContact, acme, anna);
  long_department.mutable_contact_person()->set_department(std::string(101, 'x'));
  pv1::Relationship no_partner = Link(kContact, acme, anna);
  no_partner.clear_partner();
  pv1::Relationship malformed_related = Link(kContact, acme, anna);
  malformed_related.set_related_partner("persons/anna");
  pv1::Relationship unknown_partner = Link(kContact, acme, anna);
  unknown_partner.set_partner("partners/nobody");
  pv1::Relationship unknown_related = Link(kContact, acme, anna);
  unknown_related.set_related_partner("partners/nobody");

  const std::vector<std::pair<pv1::Relationship, std::string>> cases = {
      {untyped, "INVALID_ARGUMENT relationship.type"},
      {Link(kSubsidiary, acme, acme), "INVALID_ARGUMENT relationship.related_partner"},
      {wrong_attributes, "INVALID_ARGUMENT relationship.shareholder"},
      {contact_on_subsidiary, "INVALID_ARGUMENT relationship.contact_person"},
      {long_department, "INVALID_ARGUMENT relationship.contact_person.department"},
      {Shares(anna, acme, 0), "INVALID_ARGUMENT relationship.shareholder.share_basis_points"},
      {Shares(anna, acme, 10001), "INVALID_ARGUMENT relationship.shareholder.share_basis_points"},
      {Link(kContact, acme, anna, Day(2021, 1, 1), Day(2020, 12, 31)),
       "INVALID_ARGUMENT relationship.valid_to"},
      {Link(kContact, acme, anna, Day(2021, 13, 1)), "INVALID_ARGUMENT relationship.valid_from"},
      {no_partner, "INVALID_ARGUMENT relationship.partner"},
      {malformed_related, "INVALID_ARGUMENT relationship.related_partner"},
      {unknown_partner, "NOT_FOUND"},
      {unknown_related, "NOT_FOUND"},
  };
  for (const auto& [relationship, outcome] : cases) {
    INFO(relationship.ShortDebugString());
    CHECK(Outcome(crm.TryCreate(relationship)) == outcome);
  }
  pv1::CreateRelationshipRequest empty_request;
  pv1::Relationship ignored;
  CHECK(Outcome(crm.stub().CreateRelationship(ContextWithDeadline().get(), empty_request,
                                              &ignored)) == "INVALID_ARGUMENT relationship");

  // Nothing stored, nothing on the feed, nothing in the trails.
  CHECK(crm.ListNames("").empty());
  CHECK(crm.HeadSequence() == head);
  CHECK(crm.AuditEvents(acme.name()).size() == 1);
  CHECK(crm.AuditEvents(anna.name()).size() == 1);

  // The boundaries of a share and a one-day period are fine.
  CHECK(Outcome(crm.TryCreate(Shares(anna, acme, 10000))) == "OK");
  CHECK(Outcome(crm.TryCreate(Shares(bolt, acme, 1))) == "OK");
  CHECK(Outcome(crm.TryCreate(Link(kContact, acme, anna, Day(2021, 1, 1), Day(2021, 1, 1)))) ==
        "OK");
  CHECK(crm.ListNames("").size() == 3);
}

TEST_CASE("relationships: unknown and malformed names", "[relationships]") {
  Crm crm;
  const auto acme = crm.Organization("Acme AG");
  pv1::Relationship patch;
  patch.set_name("relationships/nobody");
  CHECK(Outcome(crm.TryGet("relationships/nobody")) == "NOT_FOUND");
  CHECK(Outcome(crm.TryDelete("relationships/nobody")) == "NOT_FOUND");
  CHECK(Outcome(crm.TryUpdate(patch, {"valid_to"})) == "NOT_FOUND");
  pv1::GetPartnerHierarchyResponse hierarchy;
  CHECK(Outcome(crm.TryHierarchy("partners/nobody", 0, &hierarchy)) == "NOT_FOUND");

  CHECK(Outcome(crm.TryGet(acme.name())) == "INVALID_ARGUMENT name");
  CHECK(Outcome(crm.TryGet("")) == "INVALID_ARGUMENT name");
  CHECK(Outcome(crm.TryDelete("relationships/a b")) == "INVALID_ARGUMENT name");
  patch.set_name("relationship/x");
  CHECK(Outcome(crm.TryUpdate(patch, {"valid_to"})) == "INVALID_ARGUMENT relationship.name");
  CHECK(Outcome(crm.TryHierarchy("relationships/x", 0, &hierarchy)) == "INVALID_ARGUMENT name");
}

TEST_CASE("relationships: no overlapping twins, marriage both ways round", "[relationships]") {
  Crm crm;
  const auto anna = crm.Person("Anna", "Berg");
  const auto ben = crm.Person("Ben", "Berg");
  const auto acme = crm.Organization("Acme AG");

  crm.Create(Link(kContact, acme, anna, Day(2020, 1, 1), Day(2020, 12, 31)));
  CHECK(Outcome(crm.TryCreate(Link(kContact, acme, anna, Day(2020, 6, 1)))) == "ALREADY_EXISTS");
  CHECK(Outcome(crm.TryCreate(Link(kContact, acme, anna))) == "ALREADY_EXISTS");
  CHECK(Outcome(crm.TryCreate(Link(kContact, acme, anna, {}, Day(2020, 1, 1)))) ==
        "ALREADY_EXISTS");
  // The day after, another type, or the other way round is no twin.
  CHECK(Outcome(crm.TryCreate(Link(kContact, acme, anna, Day(2021, 1, 1)))) == "OK");
  CHECK(Outcome(crm.TryCreate(Link(kResponsible, acme, anna))) == "OK");
  CHECK(Outcome(crm.TryCreate(Link(kAgent, acme, anna))) == "OK");
  CHECK(Outcome(crm.TryCreate(Link(kAgent, anna, acme))) == "OK");

  crm.Create(Link(kMarried, anna, ben, Day(2000, 5, 1), Day(2010, 12, 31)));
  CHECK(Outcome(crm.TryCreate(Link(kMarried, ben, anna, Day(2005, 1, 1)))) == "ALREADY_EXISTS");
  CHECK(Outcome(crm.TryCreate(Link(kMarried, anna, ben, Day(2010, 12, 31)))) == "ALREADY_EXISTS");
  CHECK(Outcome(crm.TryCreate(Link(kMarried, ben, anna, Day(2015, 6, 1)))) == "OK");

  // A retry with the same request_id returns the first result, not a twin.
  pv1::Relationship first, retry;
  const auto shares = Shares(anna, acme, 5000);
  REQUIRE(Outcome(crm.TryCreate(shares, &first, "shares-1")) == "OK");
  REQUIRE(Outcome(crm.TryCreate(shares, &retry, "shares-1")) == "OK");
  CHECK(retry.name() == first.name());
  CHECK(crm.ListNames(anna.name(), kShareholder).size() == 1);
  CHECK(crm.ListNames("").size() == 8);
}

TEST_CASE("hierarchy: no cycles, one parent at a time", "[relationships][hierarchy]") {
  Crm crm;
  const auto a = crm.Organization("A");
  const auto b = crm.Organization("B");
  const auto c = crm.Organization("C");
  const auto d = crm.Organization("D");
  const auto e = crm.Organization("E");
  crm.Create(Link(kSubsidiary, a, b));
  crm.Create(Link(kSubsidiary, b, c));

  CHECK(Outcome(crm.TryCreate(Link(kSubsidiary, c, a))) ==
        "INVALID_ARGUMENT relationship.related_partner");
  CHECK(Outcome(crm.TryCreate(Link(kSubsidiary, b, a))) ==
        "INVALID_ARGUMENT relationship.related_partner");
  // A loop is refused whatever its period.
  CHECK(Outcome(crm.TryCreate(Link(kSubsidiary, c, a, Day(1990, 1, 1), Day(1990, 12, 31)))) ==
        "INVALID_ARGUMENT relationship.related_partner");
  CHECK(Outcome(crm.TryCreate(Link(kSubsidiary, a, d))) == "FAILED_PRECONDITION");

  // A new parent after the old one is fine; a third within either period is not.
  const auto sold = crm.Create(Link(kSubsidiary, d, c, Day(2020, 1, 1), Day(2020, 12, 31)));
  crm.Create(Link(kSubsidiary, d, e, Day(2021, 1, 1)));
  CHECK(Outcome(crm.TryCreate(Link(kSubsidiary, d, b, Day(2020, 6, 1), Day(2020, 6, 30)))) ==
        "FAILED_PRECONDITION");
  CHECK(Outcome(crm.TryCreate(Link(kSubsidiary, d, b, Day(2030, 1, 1)))) == "FAILED_PRECONDITION");
  // Nor may an update stretch the old period into the new one.
  pv1::Relationship stretched = sold;
  stretched.mutable_valid_to()->set_year(2021);
  CHECK(Outcome(crm.TryUpdate(stretched, {"valid_to"})) == "FAILED_PRECONDITION");

  CHECK(crm.ListNames("", kSubsidiary).size() == 4);
}

TEST_CASE("hierarchy: ancestors above, descendants below, cut at max_depth",
          "[relationships][hierarchy]") {
  Crm crm;
  const auto top = crm.Organization("Top Holding");
  const auto mid = crm.Organization("Mid Group");
  const auto self = crm.Organization("Self GmbH");
  const auto beta = crm.Organization("Beta Kid");  // created first, listed second
  const auto alpha = crm.Organization("Alpha Kid");
  const auto grand = crm.Organization("Grand Kid");
  const auto sold = crm.Organization("Sold Ltd");
  const auto mid_top = crm.Create(Link(kSubsidiary, mid, top));
  const auto self_mid = crm.Create(Link(kSubsidiary, self, mid));
  const auto beta_self = crm.Create(Link(kSubsidiary, beta, self));
  const auto alpha_self = crm.Create(Link(kSubsidiary, alpha, self));
  const auto grand_alpha = crm.Create(Link(kSubsidiary, grand, alpha));
  const auto sold_self =
      crm.Create(Link(kSubsidiary, sold, self, Day(2000, 1, 1), Day(2010, 12, 31)));

  pv1::GetPartnerHierarchyResponse h;
  REQUIRE(Outcome(crm.TryHierarchy(self.name(), 0, &h)) == "OK");
  CHECK(Describe(h) == std::vector<std::string>{
                           Node(-2, top, nullptr, nullptr),
                           Node(-1, mid, &top, &mid_top),
                           Node(0, self, &mid, &self_mid),
                           Node(1, alpha, &self, &alpha_self),
                           Node(2, grand, &alpha, &grand_alpha),
                           Node(1, beta, &self, &beta_self),
                       });
  CHECK_FALSE(h.truncated());

  // Exactly deep enough is not cut.
  REQUIRE(Outcome(crm.TryHierarchy(self.name(), 2, &h)) == "OK");
  CHECK(h.nodes_size() == 6);
  CHECK_FALSE(h.truncated());

  // From the top: everything below, levels counted from there; then cut
  // below by max_depth.
  h.Clear();
  REQUIRE(Outcome(crm.TryHierarchy(top.name(), 0, &h)) == "OK");
  const std::vector<std::string> from_top = {
      Node(0, top, nullptr, nullptr),       Node(1, mid, &top, &mid_top),
      Node(2, self, &mid, &self_mid),       Node(3, alpha, &self, &alpha_self),
      Node(4, grand, &alpha, &grand_alpha), Node(3, beta, &self, &beta_self),
  };
  CHECK(Describe(h) == from_top);
  CHECK_FALSE(h.truncated());
  h.Clear();
  REQUIRE(Outcome(crm.TryHierarchy(top.name(), 2, &h)) == "OK");
  CHECK(Describe(h) == std::vector<std::string>(from_top.begin(), from_top.begin() + 3));
  CHECK(h.truncated());

  // Cut above: from the bottom, only two levels up (see the next test for
  // the parent of the topmost node returned).
  h.Clear();
  REQUIRE(Outcome(crm.TryHierarchy(grand.name(), 2, &h)) == "OK");
  const std::vector<std::string> nodes = Describe(h);
  REQUIRE(nodes.size() == 3);
  CHECK(h.nodes(0).partner() == self.name());
  CHECK(h.nodes(0).level() == -2);
  CHECK(nodes[1] == Node(-1, alpha, &self, &alpha_self));
  CHECK(nodes[2] == Node(0, grand, &alpha, &grand_alpha));
  CHECK(h.truncated());

  // On a day in the past the sold subsidiary is still there.
  h.Clear();
  REQUIRE(Outcome(crm.TryHierarchy(self.name(), 0, &h, Day(2005, 6, 1))) == "OK");
  CHECK(Describe(h) == std::vector<std::string>{
                           Node(-2, top, nullptr, nullptr),
                           Node(-1, mid, &top, &mid_top),
                           Node(0, self, &mid, &self_mid),
                           Node(1, alpha, &self, &alpha_self),
                           Node(2, grand, &alpha, &grand_alpha),
                           Node(1, beta, &self, &beta_self),
                           Node(1, sold, &self, &sold_self),
                       });

  // A partner outside any hierarchy (here a person) is alone in it.
  const auto anna = crm.Person("Anna", "Berg");
  h.Clear();
  REQUIRE(Outcome(crm.TryHierarchy(anna.name(), 0, &h)) == "OK");
  CHECK(Describe(h) == std::vector<std::string>{Node(0, anna, nullptr, nullptr)});
  CHECK_FALSE(h.truncated());

  CHECK(Outcome(crm.TryHierarchy(self.name(), -1, &h)) == "INVALID_ARGUMENT max_depth");
  CHECK(Outcome(crm.TryHierarchy(self.name(), 0, &h, Day(2005, 2, 30))) ==
        "INVALID_ARGUMENT valid_on");
}

// When max_depth cuts the chain of ancestors, the topmost node returned is
// not the top of the hierarchy, so it still names its parent ("parent: empty
// for the top" only).
TEST_CASE("hierarchy: a node cut off above still names its parent",
          "[relationships][hierarchy]") {
  Crm crm;
  const auto top = crm.Organization("Top Holding");
  const auto mid = crm.Organization("Mid Group");
  const auto self = crm.Organization("Self GmbH");
  const auto mid_top = crm.Create(Link(kSubsidiary, mid, top));
  crm.Create(Link(kSubsidiary, self, mid));

  pv1::GetPartnerHierarchyResponse h;
  REQUIRE(Outcome(crm.TryHierarchy(self.name(), 1, &h)) == "OK");
  REQUIRE(h.nodes_size() == 2);
  CHECK(h.truncated());
  CHECK(Describe(h)[0] == Node(-1, mid, &top, &mid_top));
}

TEST_CASE("relationships: listed from either side, by type and day", "[relationships][list]") {
  Crm crm;
  const auto anna = crm.Person("Anna", "Berg");
  const auto ben = crm.Person("Ben", "Berg");
  const auto acme = crm.Organization("Acme AG");
  const auto bolt = crm.Organization("Bolt GmbH");
  const auto acme_anna = crm.Create(Link(kContact, acme, anna, Day(2020, 1, 1), Day(2020, 12, 31)));
  const auto acme_ben = crm.Create(Link(kContact, acme, ben));
  const auto bolt_anna = crm.Create(Link(kContact, bolt, anna, Day(2021, 1, 1)));
  const auto anna_shares = crm.Create(Shares(anna, acme, 2500));

  using Names = std::vector<std::string>;
  // Contact persons of Acme; organisations where Anna is contact person.
  CHECK(crm.ListNames(acme.name(), kContact) == Names{acme_anna.name(), acme_ben.name()});
  CHECK(crm.ListNames(anna.name(), kContact) == Names{acme_anna.name(), bolt_anna.name()});
  CHECK(crm.ListNames(anna.name()) ==
        Names{acme_anna.name(), bolt_anna.name(), anna_shares.name()});
  CHECK(crm.ListNames("", kShareholder) == Names{anna_shares.name()});
  CHECK(crm.ListNames(anna.name(), {}, Day(2020, 6, 1)) ==
        Names{acme_anna.name(), anna_shares.name()});
  CHECK(crm.ListNames(anna.name(), {}, Day(2022, 1, 1)) ==
        Names{bolt_anna.name(), anna_shares.name()});
  CHECK(crm.ListNames("", {}, Day(2020, 12, 31)).size() == 3);
  CHECK(crm.ListNames(ben.name(), kShareholder).empty());

  // Listed as stored.
  const std::vector<pv1::Relationship> listed = crm.ListAll({});
  REQUIRE(listed.size() == 4);
  CHECK(listed[3].SerializeAsString() == anna_shares.SerializeAsString());

  pv1::ListRelationshipsRequest bad;
  pv1::ListRelationshipsResponse response;
  bad.set_partner("people/anna");
  CHECK(Outcome(crm.TryList(bad, &response)) == "INVALID_ARGUMENT partner");
  bad.Clear();
  bad.set_type(static_cast<pv1::RelationshipType>(99));
  CHECK(Outcome(crm.TryList(bad, &response)) == "INVALID_ARGUMENT type");
  bad.Clear();
  *bad.mutable_valid_on() = Day(2020, 0, 1);
  CHECK(Outcome(crm.TryList(bad, &response)) == "INVALID_ARGUMENT valid_on");
  bad.Clear();
  bad.set_page_size(-1);
  CHECK(Outcome(crm.TryList(bad, &response)) == "INVALID_ARGUMENT page_size");
  bad.Clear();
  bad.set_page_token("not-a-token");
  CHECK(Outcome(crm.TryList(bad, &response)) == "INVALID_ARGUMENT page_token");
}

TEST_CASE("relationships: paging visits each one exactly once", "[relationships][list][paging]") {
  Crm crm;
  const auto acme = crm.Organization("Acme AG");
  const auto bolt = crm.Organization("Bolt GmbH");
  std::vector<std::string> expected;
  for (int i = 0; i < 23; ++i) {
    const auto person = crm.Person("Person", absl::StrCat("No", i));
    expected.push_back(crm.Create(Link(kContact, acme, person)).name());
    if (i % 5 == 0) crm.Create(Link(kContact, bolt, person));  // not Acme's
  }

  pv1::ListRelationshipsRequest request;
  request.set_partner(acme.name());
  request.set_page_size(5);
  std::vector<std::string> seen;
  std::vector<int> page_sizes;
  std::string first_token;
  for (int pages = 0; pages < 10; ++pages) {
    pv1::ListRelationshipsResponse response;
    REQUIRE(Outcome(crm.TryList(request, &response)) == "OK");
    page_sizes.push_back(response.relationships_size());
    for (const auto& r : response.relationships()) seen.push_back(r.name());
    if (first_token.empty()) first_token = response.next_page_token();
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  CHECK(page_sizes == std::vector<int>{5, 5, 5, 5, 3});
  CHECK(seen == expected);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 23);

  // A token belongs to its query.
  request.set_page_token(first_token);
  request.set_partner(bolt.name());
  pv1::ListRelationshipsResponse response;
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
  request.set_partner(acme.name());
  request.set_type(kContact);
  CHECK(Outcome(crm.TryList(request, &response)) == "INVALID_ARGUMENT page_token");
}

TEST_CASE("relationships: update validity and attributes through a mask",
          "[relationships][update]") {
  Crm crm;
  const auto anna = crm.Person("Anna", "Berg");
  const auto acme = crm.Organization("Acme AG");
  const auto bolt = crm.Organization("Bolt GmbH");
  pv1::Relationship contact = Link(kContact, acme, anna, Day(2020, 1, 1));
  contact.mutable_contact_person()->set_department("Purchasing");
  const auto created = crm.Create(contact);

  pv1::Relationship patch = created;
  *patch.mutable_valid_to() = Day(2020, 12, 31);
  patch.mutable_contact_person()->set_department("Sales");
  patch.mutable_contact_person()->set_vip(true);
  pv1::Relationship updated;
  REQUIRE(Outcome(crm.TryUpdate(patch, {"valid_to", "contact_person"}, &updated)) == "OK");
  CHECK(updated.etag() != created.etag());
  CHECK(updated.valid_to().year() == 2020);
  CHECK(updated.valid_from().year() == 2020);
  CHECK(updated.contact_person().department() == "Sales");
  CHECK(updated.contact_person().vip());
  CHECK(updated.create_time().SerializeAsString() == created.create_time().SerializeAsString());
  pv1::Relationship got;
  REQUIRE(Outcome(crm.TryGet(created.name(), &got)) == "OK");
  CHECK(got.SerializeAsString() == updated.SerializeAsString());

  // The old etag is stale now; no etag means no check.
  CHECK(Outcome(crm.TryUpdate(patch, {"valid_to"})) == "ABORTED");
  CHECK(Outcome(crm.TryDelete(created.name(), created.etag())) == "ABORTED");

  // Type and sides cannot change; the mask is required; new values are checked.
  patch = updated;
  patch.set_type(kResponsible);
  patch.set_partner(bolt.name());
  patch.set_related_partner(bolt.name());
  for (const std::string path : {"type", "partner", "related_partner"}) {
    INFO(path);
    const grpc::Status status = crm.TryUpdate(patch, {path});
    CHECK(Outcome(status) == "INVALID_ARGUMENT update_mask");
    CHECK(absl::StrContains(Descriptions(status), absl::StrCat("\"", path, "\"")));
  }
  CHECK(Outcome(crm.TryUpdate(patch, {})) == "INVALID_ARGUMENT update_mask");
  patch = updated;
  *patch.mutable_valid_to() = Day(2019, 12, 31);
  CHECK(Outcome(crm.TryUpdate(patch, {"valid_to"})) == "INVALID_ARGUMENT relationship.valid_to");
  patch.mutable_shareholder()->set_share_basis_points(10);
  CHECK(Outcome(crm.TryUpdate(patch, {"shareholder"})) ==
        "INVALID_ARGUMENT relationship.shareholder");

  // Stretching into a twin's period is refused, and changes nothing.
  crm.Create(Link(kContact, acme, anna, Day(2021, 6, 1)));
  patch = updated;
  patch.clear_valid_to();
  CHECK(Outcome(crm.TryUpdate(patch, {"valid_to"})) == "ALREADY_EXISTS");
  REQUIRE(Outcome(crm.TryGet(created.name(), &got)) == "OK");
  CHECK(got.SerializeAsString() == updated.SerializeAsString());
  *patch.mutable_valid_to() = Day(2021, 5, 31);
  REQUIRE(Outcome(crm.TryUpdate(patch, {"valid_to"}, &got)) == "OK");
  CHECK(got.valid_to().month() == 5);
  CHECK(got.contact_person().department() == "Sales");
}

TEST_CASE("relationships: writes and deletes on the change feed", "[relationships][feed]") {
  Crm crm;
  const auto anna = crm.Person("Anna", "Berg");
  const auto ben = crm.Person("Ben", "Berg");
  const auto acme = crm.Organization("Acme AG");
  const auto bolt = crm.Organization("Bolt GmbH");

  int64_t head = crm.HeadSequence();
  const auto created = crm.Create(Link(kContact, acme, anna));
  pv1::Relationship patch = created;
  *patch.mutable_valid_from() = Day(2020, 1, 1);
  pv1::Relationship updated;
  REQUIRE(Outcome(crm.TryUpdate(patch, {"valid_from"}, &updated)) == "OK");
  REQUIRE(Outcome(crm.TryDelete(created.name(), updated.etag())) == "OK");
  CHECK(Outcome(crm.TryGet(created.name())) == "NOT_FOUND");
  CHECK(Outcome(crm.TryDelete(created.name())) == "NOT_FOUND");

  const auto changes = crm.ChangesAfter(head);
  REQUIRE(changes.changes_size() == 3);
  const std::vector<std::pair<fv1::ChangeKind, std::string>> expected = {
      {fv1::CHANGE_KIND_CREATED, "CreateRelationship"},
      {fv1::CHANGE_KIND_UPDATED, "UpdateRelationship"},
      {fv1::CHANGE_KIND_DELETED, "DeleteRelationship"}};
  const std::vector<const pv1::Relationship*> states = {&created, &updated, nullptr};
  for (int i = 0; i < 3; ++i) {
    INFO("change " << i);
    const fv1::Change& change = changes.changes(i);
    CHECK(change.resource_name() == created.name());
    CHECK(change.kind() == expected[i].first);
    CHECK(change.method() == expected[i].second);
    if (states[i] == nullptr) {
      CHECK_FALSE(change.has_resource());
    } else {
      pv1::Relationship payload;
      REQUIRE(change.resource().UnpackTo(&payload));
      CHECK(payload.SerializeAsString() == states[i]->SerializeAsString());
    }
  }

  // Deleting a partner deletes its relationships on both sides, each on the
  // feed before the partner itself.
  const auto acme_anna = crm.Create(Link(kContact, acme, anna));
  const auto anna_shares = crm.Create(Shares(anna, bolt, 100));
  const auto bolt_anna = crm.Create(Link(kContact, bolt, anna));
  const auto bolt_ben = crm.Create(Link(kContact, bolt, ben));
  head = crm.HeadSequence();
  REQUIRE(Outcome(crm.DeletePartner(anna.name())) == "OK");
  CHECK(crm.ListNames("") == std::vector<std::string>{bolt_ben.name()});
  CHECK(Outcome(crm.TryGet(acme_anna.name())) == "NOT_FOUND");

  const auto cascade = crm.ChangesAfter(head);
  REQUIRE(cascade.changes_size() == 4);
  std::set<std::string> deleted;
  for (int i = 0; i < 3; ++i) {
    const fv1::Change& change = cascade.changes(i);
    CHECK(change.kind() == fv1::CHANGE_KIND_DELETED);
    CHECK(change.method() == "DeletePartner");
    CHECK_FALSE(change.has_resource());
    deleted.insert(change.resource_name());
  }
  CHECK(deleted == std::set<std::string>{acme_anna.name(), anna_shares.name(), bolt_anna.name()});
  CHECK(cascade.changes(3).resource_name() == anna.name());
  CHECK(cascade.changes(3).kind() == fv1::CHANGE_KIND_DELETED);
}

TEST_CASE("relationships: each write is in both partners' audit trails", "[relationships][audit]") {
  Crm crm;
  const auto anna = crm.Person("Anna", "Berg");
  const auto acme = crm.Organization("Acme AG");
  const auto bolt = crm.Organization("Bolt GmbH");

  pv1::Relationship contact = Link(kContact, acme, anna);
  contact.mutable_contact_person()->set_department("Purchasing");
  pv1::Relationship created;
  REQUIRE(Outcome(crm.TryCreate(contact, &created, "rel-create-1")) == "OK");
  pv1::Relationship patch = created;
  patch.mutable_contact_person()->set_department("Sales");
  REQUIRE(Outcome(crm.TryUpdate(patch, {"contact_person.department"})) == "OK");
  REQUIRE(Outcome(crm.TryDelete(created.name())) == "OK");
  crm.Create(Link(kContact, bolt, anna));
  REQUIRE(Outcome(crm.DeletePartner(anna.name())) == "OK");

  const auto find = [](const pv1::AuditEvent& event, const std::string& field) {
    for (const auto& change : event.changes()) {
      if (change.field() == field) return change;
    }
    return crm::type::v1::FieldChange();
  };
  for (const auto& side : {acme, anna}) {
    INFO(side.name());
    const auto events = crm.AuditEvents(side.name());
    std::vector<std::string> methods;
    for (const auto& event : events) methods.push_back(event.method());
    // Newest first; Anna's trail also has the cascade and her own delete.
    const std::vector<std::string> tail = {"DeleteRelationship", "UpdateRelationship",
                                           "CreateRelationship", "CreatePartner"};
    REQUIRE(methods.size() >= tail.size());
    CHECK(std::vector<std::string>(methods.end() - 4, methods.end()) == tail);

    // Each relationship event names the relationship; the partner's own
    // create names the partner.
    for (size_t i = events.size() - 4; i + 1 < events.size(); ++i) {
      CHECK(events[i].resource() == created.name());
    }
    CHECK(events.back().resource() == side.name());

    const auto& create = events[events.size() - 2];
    CHECK(create.request_id() == "rel-create-1");
    CHECK(find(create, "type").new_value() == "RELATIONSHIP_TYPE_HAS_CONTACT_PERSON");
    CHECK(absl::StrContains(find(create, "partner").new_value(), acme.name()));
    CHECK(absl::StrContains(find(create, "related_partner").new_value(), anna.name()));

    const auto& update = events[events.size() - 3];
    REQUIRE(update.changes_size() == 1);
    CHECK(update.changes(0).field() == "contact_person.department");
    CHECK(absl::StrContains(update.changes(0).old_value(), "Purchasing"));
    CHECK(absl::StrContains(update.changes(0).new_value(), "Sales"));

    const auto& remove = events[events.size() - 4];
    CHECK(find(remove, "type").old_value() == "RELATIONSHIP_TYPE_HAS_CONTACT_PERSON");
    CHECK(find(remove, "type").new_value().empty());
  }
  // The cascade is in the trail of the partner on the other side.
  const auto bolt_events = crm.AuditEvents(bolt.name());
  REQUIRE(bolt_events.size() == 3);
  CHECK(bolt_events[0].method() == "DeletePartner");
  CHECK(absl::StrContains(find(bolt_events[0], "related_partner").old_value(), anna.name()));
  CHECK(bolt_events[1].method() == "CreateRelationship");
  const auto anna_events = crm.AuditEvents(anna.name());
  REQUIRE(anna_events.size() == 7);
  // Her delete and the cascade share one transaction (and event time): one
  // event for her record, one for the relationship, in either order.
  CHECK(anna_events[0].method() == "DeletePartner");
  CHECK(anna_events[1].method() == "DeletePartner");
  const bool partner_first = !find(anna_events[0], "category").old_value().empty();
  const auto& partner_event = anna_events[partner_first ? 0 : 1];
  const auto& cascade_event = anna_events[partner_first ? 1 : 0];
  CHECK(find(partner_event, "category").old_value() == "PARTNER_CATEGORY_PERSON");
  CHECK(absl::StrContains(find(cascade_event, "partner").old_value(), bolt.name()));
}
