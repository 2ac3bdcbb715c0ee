# dbrev-fleet-run.mk - the make of one fleet run: a target per database.
#
# Not for including: dbrev-fleet.mk runs it as
#
#	make -f RUN/targets.mk -f dbrev-fleet-run.mk -k|-S dbrev-fleet
#
# with the run directory in $DBREV_FLEET_RUN and revapply in
# $DBREV_FLEET_TOOL.  targets.mk (written by revapply --fleet ... plan)
# sets DBREV_FLEET_CANARY and DBREV_FLEET_REST, database names made of
# [A-Za-z0-9._-] only, and DBREV_FLEET_VERB.  Every other database waits
# for the canaries (order-only), so under -k a failed canary keeps them
# all from starting.  Each target records its database's result in the
# run directory; a failure fails the target only for a canary, or when
# the run stops at the first failure (revapply decides), so that -k
# semantics need no make error per database.

# Command-line variables of the make above reach this one in MAKEFLAGS,
# and make would expand them to export them (a '$(' in a value would
# run): none is needed here, so none is exported.
$(foreach v,$(.VARIABLES),$(if $(filter command line,$(origin $v)),$(eval unexport $v)))

DBREV_FLEET_T_CANARY	:= $(addprefix dbrev-fleet/,$(DBREV_FLEET_CANARY))
DBREV_FLEET_T_REST	:= $(addprefix dbrev-fleet/,$(DBREV_FLEET_REST))
DBREV_FLEET_Q		:= $(if $(filter 1,$(V)),,@)
DBREV_FLEET_QUIET	:= $(if $(findstring s,$(firstword -$(MAKEFLAGS))),-q)

.PHONY: dbrev-fleet $(DBREV_FLEET_T_CANARY) $(DBREV_FLEET_T_REST)

dbrev-fleet: $(DBREV_FLEET_T_CANARY) $(DBREV_FLEET_T_REST)
	@:

ifneq ($(DBREV_FLEET_T_CANARY),)
ifneq ($(DBREV_FLEET_T_REST),)
$(DBREV_FLEET_T_REST): | $(DBREV_FLEET_T_CANARY)
endif
endif

ifneq ($(strip $(DBREV_FLEET_T_CANARY) $(DBREV_FLEET_T_REST)),)
$(DBREV_FLEET_T_CANARY) $(DBREV_FLEET_T_REST): dbrev-fleet/%:
	$(DBREV_FLEET_Q)"$$DBREV_FLEET_TOOL" $(DBREV_FLEET_QUIET) --run-dir "$$DBREV_FLEET_RUN" --name $* $(DBREV_FLEET_VERB)
endif
