"""Vulture's false positives: code that is alive, though no call vulture can see reaches it.

`make lint` runs vulture over jieli/ and this file at --min-confidence 60, so dead code fails
the build. Each name here is "used" once, under the reason it is alive. Families found by
decorator (ninja operations, template tags, admin, huey tasks, pytest fixtures) or by test-name
pattern are ignored in pyproject.toml [tool.vulture]; migrations are excluded there. Before
adding a name, check with grep (templates and settings strings too) that it really is used.
"""

# --- Django, django-axes and django-csp read their settings by name (jieli/settings.py) -------
_.AUTHENTICATION_BACKENDS
_.AUTH_PASSWORD_VALIDATORS
_.AXES_CLIENT_IP_CALLABLE
_.AXES_ENABLED
_.AXES_FAILURE_LIMIT
_.AXES_LOCKOUT_CALLABLE
_.AXES_LOCKOUT_PARAMETERS
_.AXES_RESET_ON_SUCCESS
_.AXES_VERBOSE
_.CACHES
_.CONTENT_SECURITY_POLICY
_.CONTENT_SECURITY_POLICY_REPORT_ONLY
_.CSRF_COOKIE_HTTPONLY
_.CSRF_COOKIE_SECURE
_.DATABASES
_.DATA_UPLOAD_MAX_MEMORY_SIZE
_.DEFAULT_AUTO_FIELD
_.DEFAULT_FROM_EMAIL
_.EMAIL_BACKEND
_.EMAIL_FILE_PATH
_.FILE_UPLOAD_MAX_MEMORY_SIZE
_.INSTALLED_APPS
_.LANGUAGES
_.LOCALE_PATHS
_.LOGGING
_.LOGIN_REDIRECT_URL
_.LOGIN_URL
_.LOGOUT_REDIRECT_URL
_.MIDDLEWARE
_.PASSWORD_HASHERS
_.ROOT_URLCONF
_.SECURE_CONTENT_TYPE_NOSNIFF
_.SECURE_CROSS_ORIGIN_OPENER_POLICY
_.SECURE_HSTS_INCLUDE_SUBDOMAINS
_.SECURE_HSTS_PRELOAD
_.SECURE_HSTS_SECONDS
_.SECURE_PROXY_SSL_HEADER
_.SECURE_REFERRER_POLICY
_.SECURE_SSL_REDIRECT
_.SESSION_COOKIE_HTTPONLY
_.SESSION_COOKIE_SECURE
_.STATICFILES_DIRS
_.STATIC_ROOT
_.STATIC_URL
_.STORAGES
_.TEMPLATES
_.TIME_ZONE
_.USE_I18N
_.USE_TZ
_.WSGI_APPLICATION
_.X_FRAME_OPTIONS

# --- named in settings by dotted path: middleware, context processor, axes callables ----------
_.ViewerMiddleware
_.navigation
_.lockout_response
_.credentials  # lockout_response's signature is django-axes'

# --- Django finds these by name: URLconfs, commands, model and admin options, forms ----------
_.app_name
_.urlpatterns
_.help
_.add_arguments
_.abstract
_.ordering
_.indexes
_.constraints
_.list_display
_.list_filter
_.list_per_page
_.list_select_related
_.search_fields
_.date_hierarchy
_.readonly_fields
_.raw_id_fields
_.show_full_result_count
_.can_delete
_.has_change_permission
_.has_delete_permission
_.parameter_name  # admin list filters
_.lookups
_.template_name  # form widgets
_.value_from_datadict
_.value_omitted_from_data
_.files  # in the widget methods' signatures
_.clean_mapping  # Form.clean_<field>
_.clean_q  # Form.clean_<field> (watchlists.forms.SearchForm)
_.clean_industry
_.clean_region
_._messages  # a test request's message storage, read by django.contrib.messages

# --- model fields written (or filtered by keyword) but not read as attributes: stored data ---
_.archived_at
_.processed_at  # watchlists.AlertedListing: filtered by keyword when old rows are dropped
_.created_by
_.decided_by_id
_.key_hash
_.recipient  # notifications: filtered as recipient_id, claims by keyword
_.email_claimed_at
_.email_run_id

# --- choice members: the values stored in the database and offered in forms -----------------
_.RESEARCH  # achievements: maturity
_.LAB
_.PILOT
_.MASS
_.ASSIGNMENT  # transfer modes
_.LICENCE
_.EQUITY
_.JOINT
_.SERVICE
_.OTHER
_.INVENTION  # IP types
_.UTILITY
_.DESIGN
_.SOFTWARE
_.PLANT
_.LAPSED  # IP legal status
_.TRANSFERRED
_.TRANSFER  # demands: cooperation modes
_.LICENSING
_.COMMISSIONED_DEVELOPMENT
_.CONSULTING
_.TECHNICAL_SERVICE
_.TALENT
_.EMPLOYMENT  # experts: affiliation relations
_.PART_TIME
_.ADVISORY
_.FAMILY
_.SCIENCE_BUREAU  # organisations: types and alliance roles
_.HIGH_TECH_ZONE
_.SERVICE_AGENCY
_.INVESTOR
_.CHAIR
_.EXECUTIVE
_.DIRECTOR
_.ORGANISATION  # duplicates and matching: listing kinds
_.CERTAIN  # duplicates: certainty
_.SUSPECTED
_.ORGANISATIONS  # imports: kinds and modes
_.ACHIEVEMENTS
_.DEMANDS
_.EXPERTS
_.VALID_ROWS
_.DAILY  # notifications: e-mail choices

# --- django-ninja: response schema fields (serialised by name) and framework hooks ------------
_.id
_.authenticated
_.status_url
_.owner_name
_.org_type_label
_.maturity_label
_.ip_type_label
_.legal_status_label
_.trl_name_zh
_.trl_name_en
_.authenticate  # auth classes
_.param_name
_.allow_request  # throttle
_.render_page  # the offline Swagger page
_.json_dumps_params  # the JSON renderer
_.unread  # notifications: unread count

# --- read by templates ------------------------------------------------------------------------
_.transfer_mode_labels
_.state_label
_.fit_percent
_.contribution_rows
_.fit_rows
_.component_rows
_.url_name
_.title_segments
_.text_segments
_.kind_fields  # notifications/preferences.html

# --- called by name from elsewhere ------------------------------------------------------------
_._achievements  # imports/converters.py: getattr(self, f"_{kind}")
_._demands
_._organisations
_._experts
_.StartElementHandler  # expat calls the handlers set on its parser (imports/limits.py)
_.EndElementHandler
_.CharacterDataHandler
_.StartDoctypeDeclHandler
_.EntityDeclHandler
_.buffer_text
_.load_config  # gunicorn's BaseApplication hook (jieli_serve)
_.seed_fuzz_instance  # scripts/fuzz.sh
_.LONG_QUERY  # bench/calibrate.py
_.DJANGO_MSGIDS  # exists so makemessages puts Django's new msgids in our catalogue

# --- pytest and factory-boy -------------------------------------------------------------------
_.db  # a fixture asked for its side effect (database access)
_.throttled
_.trained
_.use_only
_.sender  # a signal receiver's signature
_.django_get_or_create  # factory Meta options
_.skip_postgeneration_save

# --- Read only by templates (portal/search.html): the search page's kind tabs and facets ------
_.at_depth
_.facets
_.dropped_filter

# --- Read by pydantic by name (core.api.InputSchema): the model's configuration and the wrap
# validator that overrides ninja Schema's own of the same name ---------------------------------
_.model_config
_._run_root_validator

# --- enquiries: model fields the services set and the admin/templates read; detail fields read
# only by templates (enquiries/detail.html) ----------------------------------------------------
_.stage_changed_at
_.reminded_at
_.escalated_at
_.reporter
_.may_post
_.link_url
_.may_block
_.a_consented  # API output fields (enquiries/api.py IntroductionOut)
_.b_consented
_.b_consent_by
_.allow_multiple_selected  # Django's file input option (enquiries/forms.py)
_.widget
_.PURCHASE  # choices read as values by the forms, API enums and templates
_.CONSULTATION
_.VISIT

# --- evaluations: read by templates, Django forms and the API by name ---------------------------
_.disagrees  # evaluations/_results.html
_.row_fields  # evaluations/detail.html (market form rows)
_.range_rows  # evaluations/detail.html (income form P10/P90 rows)
_.base_cost  # CostForm fields, read by Django's form metaclass
_.profit_rate
_.physical
_.functional
_.economic
_.index_version  # API output field (evaluations/api.py EvaluationOut)
_.INVESTMENT  # choices read as values by the forms, API enums and templates
_.PLEDGE
_.PORTFOLIO
_.granted_by  # model relations the services set through their *_id attribute
_.requested_by
_.requester_organisation
_.replaces
_.issued_by
_.deadline_reminded_at  # set by evaluations_remind_deadlines, read through the filter

# --- core.registry's project-opener hook (main): registered by pipeline, called by events, both
# on their own branches; its Protocol's parameters are read by the implementations ------------
_.register_project_opener
_.project_opener
_.origin_id
_.achievement_ids
_.enterprise_id
# --- events: choices and fields read by templates and forms, CP-SAT parameters and callbacks ----
_.EXHIBITION  # EventKind choices
_.FAIR
_.ROADSHOW
_.ONLINE
_.NONE  # Outcome "not recorded"
_.co_hosts  # event page, form
_.organiser  # event form field and FK
_.clean_sessions  # Django form clean_<field>
_.recipient_priority  # the weight of an accepted meeting
_.requested_by  # ScheduleRun: who ran it (history actor)
_.unplaced  # runs partial
_.greedy_placed
_.greedy_objective
_.gap_percent
_.requested  # suggestions: already asked
_.may_open  # agenda template
_.max_time_in_seconds  # ortools CpSolverParameters
_.num_workers
_.relative_gap_limit
_.random_seed
_.on_solution_callback  # ortools calls it
# core.registry.ProjectOpener keyword parameters (called by events.meeting_services)
_.origin_id
_.achievement_ids
_.enterprise_id
_.with_organisation  # events API MeetingOut field

# --- pipeline: model fields and choices the services set and the templates, admin and API read;
# board fields read only by templates (pipeline/board.html, timeline.html, _next_steps.html) ----
_.followup_asked_at  # set by reminders.outcomes_followup, filtered on
_.GOVERNMENT  # FundingKind choices, offered by forms and the API
_.ALLIANCE
_.LOAN
_.INVESTMENT
_.DEVELOPMENT  # ContractKind choice
_.ready_at  # ProjectStage, shown on the board and in the history
_.done_at
_.uploaded_by  # Deliverable
_.recorded_by  # Outcome
_.project_title  # API output field (pipeline/api.py BatonStageOut)
_.may_upload  # Board card fields read by pipeline/board.html
_.may_close
_.stage_label  # timeline entries, read by pipeline/timeline.html
_.what  # NextStep, read by pipeline/_next_steps.html

# --- facilities: API output fields (facilities/api.py), fields and properties read by the
# templates and the admin, Django form conventions (field_order, clean_<field>) ---------------
_.operator_name
_.platform_name
_.requester_organisation
_.available
_.status_changed_at
_.hidden_reason
_.basis_name
_.field_order
_.clean_offerings
_.clean_windows
_.unavailable_slots  # events/api.py BusyOut: an API schema field
# pipeline.selectors.ProjectLinks: read by the board template
_.hidden_achievements
_.demand_hidden
