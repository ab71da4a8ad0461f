// Sales targets (PlanningService) over a real gRPC channel and a real SQLite
// file, with a real partners service beside it: create, get, update and
// delete with etags; bad fields named and nothing written; a rep who is no
// employee, an unknown rep or territory; one target per breakdown; listed
// by start date, filtered and paged; a request_id retry gives the same
// target.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/sales/tests/planning_fixture.h"

using namespace crm::sales::testing::planning_testing;  // NOLINT

// ---------------------------------------------------------------------------
// Sales targets.

TEST_CASE("planning: a sales target is created, read, updated and deleted with etags",
          "[sales][planning]") {
  Planner crm;
  crm.AddRetailTerritory();
  const std::string anna = crm.AddEmployee("Anders");
  sv1::SalesTarget draft = Target(MonthStart(0), MonthEnd(0), Eur(5000), kRetail, anna, "MONITORS");
  draft.set_name("salesTargets/mine");  // output only: ignored
  draft.set_etag("\"7\"");
  const sv1::SalesTarget created = crm.Create(draft);
  CHECK(absl::StartsWith(created.name(), "salesTargets/"));
  CHECK(created.name() != "salesTargets/mine");
  CHECK(created.etag() == "\"1\"");
  CHECK(created.has_create_time());
  CHECK(Same(created.update_time(), created.create_time()));
  CHECK(Iso(crm::api::CivilDayOf(created.end_date())) == Iso(MonthEnd(0)));
  CHECK(created.territory() == kRetail);
  CHECK(created.sales_rep() == anna);
  CHECK(created.product_group() == "MONITORS");
  CHECK(Text(created.amount()) == "EUR 5000.00");
  sv1::SalesTarget got;
  REQUIRE(Outcome(crm.TryGet(created.name(), &got)) == "OK");
  CHECK(Same(got, created));

  sv1::SalesTarget change;
  change.set_name(created.name());
  *change.mutable_amount() = Eur(6000);
  sv1::SalesTarget updated;
  REQUIRE(Outcome(crm.TryUpdate(change, {"amount"}, &updated)) == "OK");
  CHECK(Text(updated.amount()) == "EUR 6000.00");
  CHECK(updated.sales_rep() == anna);  // not in the mask: kept
  CHECK(updated.etag() == "\"2\"");
  change.set_etag(created.etag());
  CHECK(Outcome(crm.TryUpdate(change, {"amount"})) == "ABORTED");
  REQUIRE(Outcome(crm.TryGet(created.name(), &got)) == "OK");
  CHECK(Same(got, updated));

  CHECK(Outcome(crm.TryDeleteTarget(created.name(), created.etag())) == "ABORTED");
  CHECK(Outcome(crm.TryDeleteTarget(created.name(), updated.etag())) == "OK");
  CHECK(Outcome(crm.TryGet(created.name())) == "NOT_FOUND");
  CHECK(Outcome(crm.TryDeleteTarget(created.name())) == "NOT_FOUND");
  CHECK(Outcome(crm.TryGet("targets/x")) == "INVALID_ARGUMENT name");
}

TEST_CASE("planning: refused sales targets name their field or reason and write nothing",
          "[sales][planning]") {
  Planner crm;
  crm.AddRetailTerritory();
  const std::string anna = crm.AddEmployee("Anders");
  const std::string contact = crm.AddPerson("Kunde", pv1::ROLE_TYPE_CONTACT_PERSON);
  const sv1::SalesTarget valid = Target(MonthStart(0), MonthEnd(0), Eur(5000), kRetail, anna);
  auto refused = [&](const sv1::SalesTarget& target) {
    const grpc::Status status = crm.TryCreate(target);
    return Outcome(status) + (Precondition(status).empty() ? "" : " " + Precondition(status));
  };
  sv1::SalesTarget bad = valid;
  *bad.mutable_end_date() = D(MonthStart(0) - 1);
  CHECK(refused(bad) == "INVALID_ARGUMENT sales_target.end_date");
  *bad.mutable_end_date() = D(MonthStart(0) + 367);
  CHECK(refused(bad) == "INVALID_ARGUMENT sales_target.end_date");
  bad = valid;
  *bad.mutable_amount() = Eur(0);
  bad.set_sales_rep("anna");
  bad.set_product_group("monitors");
  CHECK(refused(bad) ==
        "INVALID_ARGUMENT sales_target.sales_rep, sales_target.product_group, sales_target.amount");
  CHECK(Outcome(crm.TryCreate(valid, nullptr, std::string(101, 'r'))) ==
        "INVALID_ARGUMENT request_id");
  CHECK(Outcome(Try(crm.api(), &Planning::CreateSalesTarget, sv1::CreateSalesTargetRequest())) ==
        "INVALID_ARGUMENT sales_target");
  bad = valid;
  bad.set_sales_rep(contact);
  CHECK(refused(bad) == "FAILED_PRECONDITION NOT_EMPLOYEE sales_target.sales_rep");
  bad.set_sales_rep("partners/nobody");
  CHECK(refused(bad) == "NOT_FOUND");
  bad = valid;
  bad.set_territory("territories/nowhere");
  CHECK(refused(bad) == "NOT_FOUND");
  CHECK(crm.TargetNames().empty());

  // One target per period, territory, rep, product group and currency.
  const sv1::SalesTarget first = crm.Create(valid);
  CHECK(refused(valid) == "ALREADY_EXISTS");
  sv1::SalesTarget dollars = valid;
  *dollars.mutable_amount() = Cash("USD", 5000);
  const sv1::SalesTarget in_usd = crm.Create(dollars);
  sv1::SalesTarget monitors = valid;
  monitors.set_product_group("MONITORS");
  crm.Create(monitors);
  CHECK(crm.TargetNames().size() == 3);
  // Nor by an update; nor a rep who is no employee.
  sv1::SalesTarget change;
  change.set_name(in_usd.name());
  *change.mutable_amount() = Eur(1);
  CHECK(Outcome(crm.TryUpdate(change, {"amount"})) == "ALREADY_EXISTS");
  change.set_sales_rep(contact);
  const grpc::Status not_employee = crm.TryUpdate(change, {"sales_rep"});
  CHECK(Outcome(not_employee) == "FAILED_PRECONDITION");
  CHECK(Precondition(not_employee) == "NOT_EMPLOYEE sales_target.sales_rep");
  change.set_sales_rep("anna");
  CHECK(Outcome(crm.TryUpdate(change, {"sales_rep"})) == "INVALID_ARGUMENT sales_target.sales_rep");
  change.set_territory("territories/nowhere");
  CHECK(Outcome(crm.TryUpdate(change, {"territory"})) == "NOT_FOUND");
  *change.mutable_amount() = Eur(0);
  CHECK(Outcome(crm.TryUpdate(change, {"amount"})) == "INVALID_ARGUMENT sales_target.amount");
  sv1::SalesTarget kept;
  REQUIRE(Outcome(crm.TryGet(in_usd.name(), &kept)) == "OK");
  CHECK(Same(kept, in_usd));
  REQUIRE(Outcome(crm.TryGet(first.name(), &kept)) == "OK");
  CHECK(Same(kept, first));
}

TEST_CASE("planning: sales targets are listed by start date, filtered and paged, retries",
          "[sales][planning]") {
  Planner crm;
  const std::string anna = crm.AddEmployee("Anders");
  const std::string bert = crm.AddEmployee("Berg");
  std::vector<std::string> by_month(5);
  for (int month : {3, 1, 4, 0, 2}) {
    by_month[month] = crm.Create(Target(MonthStart(month), MonthEnd(month), Eur(1000), "",
                                        month % 2 == 0 ? anna : bert))
                          .name();
  }
  int pages = 0;
  CHECK(crm.TargetNames("", 2, &pages) == by_month);
  CHECK(pages == 3);
  CHECK(crm.TargetNames(absl::StrCat("sales_rep = \"", anna, "\"")) ==
        Strings{by_month[0], by_month[2], by_month[4]});
  CHECK(crm.TargetNames(absl::StrCat("start_date >= \"", Iso(MonthStart(2)), "\"")) ==
        Strings{by_month[2], by_month[3], by_month[4]});
  sv1::ListSalesTargetsRequest bad;
  bad.set_filter("colour = \"red\"");
  CHECK(absl::StartsWith(Outcome(Try(crm.api(), &Planning::ListSalesTargets, bad)),
                         "INVALID_ARGUMENT"));

  // A retry with the same request_id gives the first target, not a second.
  const sv1::SalesTarget draft = Target(MonthStart(0), MonthEnd(0), Eur(300), "", "", "INPUT");
  sv1::SalesTarget first, again;
  REQUIRE(Outcome(crm.TryCreate(draft, &first, "target-input-1")) == "OK");
  REQUIRE(Outcome(crm.TryCreate(draft, &again, "target-input-1")) == "OK");
  CHECK(Same(first, again));
  CHECK(crm.TargetNames().size() == 6);
  sv1::SalesTarget other = draft;
  *other.mutable_amount() = Eur(301);
  CHECK(Outcome(crm.TryCreate(other, nullptr, "target-input-1")) == "INVALID_ARGUMENT request_id");
}
