// ODD 7.10 Observation: the output columns and metrics, a contract described in docs/outputs.md.

package sim

// Column describes one output column or metric. Names are a stable contract
// documented in docs/outputs.md.
type Column struct {
	Name string
	Unit string
	Doc  string
}

// Weekly column indices. The order is the CSV column order.
const (
	wcHoursOutreach = iota
	wcHoursInitialAssessment
	wcHoursFollowUpAssessment
	wcHoursCoaching
	wcHoursSignposting
	wcHoursAccompanied
	wcHoursInformal
	wcHoursCommunityGroups
	wcHoursAdminTravel
	wcCareShare
	wcReferralsGP
	wcReferralsOutreach
	wcCandidatesPending
	wcRefusals
	wcWaitingList
	wcActiveClients
	wcEngagedClients
	wcNewEngaged
	wcDisengagedSimple
	wcDisengagedMiddle
	wcDisengagedComplex
	wcDischarged
	wcLostContinuity
	wcAssessments1
	wcAssessments2
	wcAssessments3Plus
	wcLinkAttempts
	wcLinksMade
	wcLinksFailedCapacity
	wcStarTrueMean
	wcStarRecordedMean
	wcSecondaryCareCost
	wcSecondaryCareCostCF
	wcProviderRevenue
	wcProviderArrears
	wcProviderCost
	wcOutcomePayments
	wcInvestorFlow
	wcSPVCash
	wcMeanPressure
	wcMeanDistress
	wcMeanOrientation
	wcQuits
	wcVacancies
	wcPoolRemaining
	numWeeklyCols
)

var weeklyColumns = [numWeeklyCols]Column{
	wcHoursOutreach:           {"hours_outreach", "h", "link-worker hours on referral generation (choice)"},
	wcHoursInitialAssessment:  {"hours_initial_assessment", "h", "hours on baseline Well-being Star readings (choice)"},
	wcHoursFollowUpAssessment: {"hours_followup_assessment", "h", "hours on follow-up readings (choice)"},
	wcHoursCoaching:           {"hours_coaching", "h", "hours on behaviour-change coaching and goal review (choice)"},
	wcHoursSignposting:        {"hours_signposting", "h", "hours signposting clients to services (choice)"},
	wcHoursAccompanied:        {"hours_accompanied", "h", "hours of accompanied or intensive one-to-one support (care)"},
	wcHoursInformal:           {"hours_informal", "h", "hours of informal contact (care)"},
	wcHoursCommunityGroups:    {"hours_community_groups", "h", "hours building community groups (care)"},
	wcHoursAdminTravel:        {"hours_admin_travel", "h", "hours of admin and travel (neither)"},
	wcCareShare:               {"care_share", "share", "care hours / (care + choice hours); NaN in a week with neither"},
	wcReferralsGP:             {"referrals_gp", "persons", "new referrals made by GPs"},
	wcReferralsOutreach:       {"referrals_outreach", "persons", "link-worker generated referrals signed off by GPs"},
	wcCandidatesPending:       {"candidates_pending", "persons", "outreach candidates awaiting GP sign-off (end of week)"},
	wcRefusals:                {"refusals", "persons", "referred persons who declined at once"},
	wcWaitingList:             {"waiting_list", "persons", "referred persons waiting for a link worker with room (end of week)"},
	wcActiveClients:           {"active_clients", "persons", "referred, not yet engaged, or engaged clients (end of week)"},
	wcEngagedClients:          {"engaged_clients", "persons", "engaged clients (end of week)"},
	wcNewEngaged:              {"new_engaged", "persons", "clients engaged this week (baseline reading done)"},
	wcDisengagedSimple:        {"disengaged_simple", "persons", "simple-tier clients who disengaged this week"},
	wcDisengagedMiddle:        {"disengaged_middle", "persons", "middle-tier clients who disengaged this week"},
	wcDisengagedComplex:       {"disengaged_complex", "persons", "complex-tier clients who disengaged this week"},
	wcDischarged:              {"discharged", "persons", "clients discharged this week (goals met or support ended)"},
	wcLostContinuity:          {"lost_continuity", "persons", "clients lost when their link worker left"},
	wcAssessments1:            {"assessments_1", "readings", "baseline readings completed"},
	wcAssessments2:            {"assessments_2", "readings", "second readings completed"},
	wcAssessments3Plus:        {"assessments_3plus", "readings", "third and later readings completed"},
	wcLinkAttempts:            {"link_attempts", "attempts", "onward-linking attempts"},
	wcLinksMade:               {"links_made", "links", "clients taking up a community-service place"},
	wcLinksFailedCapacity:     {"links_failed_capacity", "attempts", "attempts that failed for want of a free place (unmet need from capacity)"},
	wcStarTrueMean:            {"star_true_mean", "points", "mean true Star total (8-80) of engaged clients"},
	wcStarRecordedMean:        {"star_recorded_mean", "points", "mean recorded total of readings taken this week; NaN if none"},
	wcSecondaryCareCost:       {"secondary_care_cost_gbp", "GBP", "secondary-care cost of tracked clients"},
	wcSecondaryCareCostCF:     {"secondary_care_cost_cf_gbp", "GBP", "same clients' counterfactual cost without the intervention"},
	wcProviderRevenue:         {"provider_revenue_gbp", "GBP", "payments from the SPV to providers (cash paid, deferred payments when made)"},
	wcProviderArrears:         {"provider_arrears_gbp", "GBP", "provider payments owed by the SPV and deferred for want of cash (end of week)"},
	wcProviderCost:            {"provider_cost_gbp", "GBP", "providers' staff and overhead costs"},
	wcOutcomePayments:         {"outcome_payments_gbp", "GBP", "outcome payments from payers to the SPV"},
	wcInvestorFlow:            {"investor_flow_gbp", "GBP", "investor cash flow: repayments and returns minus drawdowns"},
	wcSPVCash:                 {"spv_cash_gbp", "GBP", "SPV cash balance (end of week); never negative"},
	wcMeanPressure:            {"mean_pressure", "0-1", "mean managerial pressure across providers"},
	wcMeanDistress:            {"mean_distress", "0-1", "mean distress of link workers in post"},
	wcMeanOrientation:         {"mean_orientation", "0-1", "mean care orientation of link workers in post (1 = care)"},
	wcQuits:                   {"quits", "persons", "link workers leaving this week"},
	wcVacancies:               {"vacancies", "posts", "vacant posts (end of week)"},
	wcPoolRemaining:           {"eligible_pool", "persons", "eligible residents not yet referred or put forward"},
}

// WeeklyColumns lists the columns of the weekly system series, in order.
func WeeklyColumns() []Column { return weeklyColumns[:] }

// Provider column indices.
const (
	pcHoursChoice = iota
	pcHoursCare
	pcCareShare
	pcHoursOutreach
	pcCaseload
	pcAssessments
	pcRevenue
	pcCost
	pcReserves
	pcPressure
	pcCulture
	pcAssessmentTarget
	pcMeanOrientation
	pcMeanDistress
	pcInPost
	pcQuits
	numProviderCols
)

var providerColumns = [numProviderCols]Column{
	pcHoursChoice:      {"hours_choice", "h", "hours on choice activities"},
	pcHoursCare:        {"hours_care", "h", "hours on care activities"},
	pcCareShare:        {"care_share", "share", "care / (care + choice) hours; NaN in a week with neither"},
	pcHoursOutreach:    {"hours_outreach", "h", "hours on referral generation"},
	pcCaseload:         {"caseload", "persons", "active clients (end of week)"},
	pcAssessments:      {"assessments", "readings", "readings completed"},
	pcRevenue:          {"revenue_gbp", "GBP", "payments received"},
	pcCost:             {"cost_gbp", "GBP", "staff and overhead costs"},
	pcReserves:         {"reserves_gbp", "GBP", "reserves (end of week)"},
	pcPressure:         {"pressure", "0-1", "managerial pressure"},
	pcCulture:          {"culture", "0-1", "organisational orientation (1 = care)"},
	pcAssessmentTarget: {"assessment_target_per_worker_month", "readings", "readings per worker per month needed to break even: the reading target the time rule weighs by pressure (ODD 7.4.2); 0 when readings earn nothing (the target is then unbounded)"},
	pcMeanOrientation:  {"mean_orientation", "0-1", "mean orientation of its link workers in post"},
	pcMeanDistress:     {"mean_distress", "0-1", "mean distress of its link workers in post"},
	pcInPost:           {"in_post", "persons", "link workers in post"},
	pcQuits:            {"quits", "persons", "link workers leaving this week"},
}

// ProviderColumns lists the columns of the weekly per-provider series.
func ProviderColumns() []Column { return providerColumns[:] }

// Summary metric indices.
const (
	mReferralsTotal = iota
	mReferralsGP
	mReferralsOutreach
	mReferralsPerYear
	mEngagedShare
	mSecondAssessmentShare
	mMeanWeeksOnProgramme
	mCareShare
	mCareShareFirstYear
	mCareShareLastYear
	mOutreachHoursShare
	mDisengagedShareComplex
	mDisengagedShareSimple
	mStarBaselineMean
	mStarGainMean
	mStarGainTrueMean
	mStarGainComplex
	mStarGainSimple
	mLinkingSuccessShare
	mLinksPerYear
	mUnmetNeedCapacityShare
	mSecondaryCareCostReduction
	mProviderRevenue
	mProviderCost
	mOutcomePayments
	mOutcomeSettledAtEnd
	mOutcomeOverCap
	mProviderArrearsWeeks
	mProviderArrearsPeak
	mUnsettled
	mSPVCashEnd
	mInvestorDrawn
	mInvestorReceived
	mInvestorIRR
	mInvestorMultiple
	mCommissionerCostPerEngaged
	mCommissionerCostPerStarPoint
	mCommissionerCostPerComplexSupported
	mLinkWorkerQuitsPerYear
	mTurnoverPerYear
	mVacancyWeeks
	mMeanDistress
	mMeanOrientationEnd
	mActiveCaseloadPerWorker
	mNewStartsPerWorkerYear
	mCultureGapEnd
	numMetrics
)

var metricColumns = [numMetrics]Column{
	mReferralsTotal:                      {"referrals_total", "persons", "all referrals over the run"},
	mReferralsGP:                         {"referrals_gp", "persons", "GP referrals"},
	mReferralsOutreach:                   {"referrals_outreach", "persons", "link-worker generated referrals signed off"},
	mReferralsPerYear:                    {"referrals_per_year", "persons/year", "referrals per year of the run"},
	mEngagedShare:                        {"engaged_share", "share", "referred persons who engaged (baseline reading done)"},
	mSecondAssessmentShare:               {"second_assessment_share", "share", "engaged clients with a second reading, among those engaged at least followup_every_weeks + overdue_grace_weeks before the end"},
	mMeanWeeksOnProgramme:                {"mean_weeks_on_programme", "weeks", "mean weeks from engagement to leaving, over clients who left"},
	mCareShare:                           {"care_share", "share", "care hours / (care + choice) hours over the run"},
	mCareShareFirstYear:                  {"care_share_first_year", "share", "care share in the first 52 weeks"},
	mCareShareLastYear:                   {"care_share_last_year", "share", "care share in the last 52 weeks"},
	mOutreachHoursShare:                  {"outreach_hours_share", "share", "outreach hours / all link-worker hours worked"},
	mDisengagedShareComplex:              {"disengaged_share_complex", "share", "engaged complex-tier clients who disengaged"},
	mDisengagedShareSimple:               {"disengaged_share_simple", "share", "engaged simple-tier clients who disengaged"},
	mStarBaselineMean:                    {"star_baseline_mean", "points", "mean recorded baseline Star total"},
	mStarGainMean:                        {"star_gain_mean", "points", "mean recorded gain, latest reading minus baseline, clients with 2+ readings"},
	mStarGainTrueMean:                    {"star_gain_true_mean", "points", "mean true gain over the same clients"},
	mStarGainComplex:                     {"star_gain_complex", "points", "mean true gain, complex tier, from engagement to leaving or the end"},
	mStarGainSimple:                      {"star_gain_simple", "points", "mean true gain, simple tier, from engagement to leaving or the end"},
	mLinkingSuccessShare:                 {"linking_success_share", "share", "linking attempts that ended in a place taken up"},
	mLinksPerYear:                        {"links_per_year", "links/year", "community-service places taken up per year"},
	mUnmetNeedCapacityShare:              {"unmet_need_capacity_share", "share", "linking attempts that failed for want of a free place"},
	mSecondaryCareCostReduction:          {"secondary_care_cost_reduction", "share", "1 - actual / counterfactual secondary-care cost of tracked clients"},
	mProviderRevenue:                     {"provider_revenue_gbp", "GBP", "total payments to providers"},
	mProviderCost:                        {"provider_cost_gbp", "GBP", "total provider costs"},
	mOutcomePayments:                     {"outcome_payments_gbp", "GBP", "total outcome payments by all payers"},
	mOutcomeSettledAtEnd:                 {"outcome_payments_settled_at_end_gbp", "GBP", "outcome payments made at the horizon for evidence still open (final settlement; included in outcome_payments_gbp)"},
	mOutcomeOverCap:                      {"outcome_payments_over_cap_gbp", "GBP", "outcome amounts due but not paid because a payer had reached its cap"},
	mProviderArrearsWeeks:                {"provider_arrears_weeks", "weeks", "weeks ending with provider payments deferred for want of SPV cash"},
	mProviderArrearsPeak:                 {"provider_arrears_peak_gbp", "GBP", "largest end-of-week provider payments deferred"},
	mUnsettled:                           {"unsettled_gbp", "GBP", "owed at the horizon and not paid: provider payments the SPV deferred and could not pay by the end"},
	mSPVCashEnd:                          {"spv_cash_end_gbp", "GBP", "SPV cash left at the end, after the investor's final repayment and return"},
	mInvestorDrawn:                       {"investor_drawn_gbp", "GBP", "working capital drawn from the investor"},
	mInvestorReceived:                    {"investor_received_gbp", "GBP", "repayments and returns to the investor"},
	mInvestorIRR:                         {"investor_irr", "per year", "investor internal rate of return, annual; -1 when capital was drawn and nothing received; NaN when undefined"},
	mInvestorMultiple:                    {"investor_multiple", "ratio", "received / drawn; NaN when nothing drawn"},
	mCommissionerCostPerEngaged:          {"commissioner_cost_per_engaged_gbp", "GBP", "outcome payments / engaged clients"},
	mCommissionerCostPerStarPoint:        {"commissioner_cost_per_star_point_gbp", "GBP", "outcome payments / total true Star points gained"},
	mCommissionerCostPerComplexSupported: {"commissioner_cost_per_complex_supported_gbp", "GBP", "outcome payments / complex clients engaged"},
	mLinkWorkerQuitsPerYear:              {"linkworker_quits_per_year", "persons/year", "link workers leaving per year"},
	mTurnoverPerYear:                     {"turnover_per_year", "share/year", "quits per year / funded posts"},
	mVacancyWeeks:                        {"vacancy_weeks", "post-weeks", "post-weeks vacant"},
	mMeanDistress:                        {"mean_distress", "0-1", "mean distress of link workers in post over the run"},
	mMeanOrientationEnd:                  {"mean_orientation_end", "0-1", "mean care orientation of link workers in post at the end"},
	mActiveCaseloadPerWorker:             {"active_caseload_per_worker", "persons", "mean active caseload per worker in post, second year onward"},
	mNewStartsPerWorkerYear:              {"new_starts_per_worker_year", "persons/year", "clients engaged per funded post per year"},
	mCultureGapEnd:                       {"culture_gap_end", "0-1", "largest minus smallest provider enacted care share in the last 52 weeks"},
}

// Metrics lists the summary metrics of a replication, in order.
func Metrics() []Column { return metricColumns[:] }
