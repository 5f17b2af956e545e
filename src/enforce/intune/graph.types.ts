import type {
  AllDevicesAssignmentTarget,
  AndroidCompliancePolicy,
  AppListItem,
  DeviceCompliancePolicyAssignment,
  DeviceConfiguration,
  DeviceConfigurationAssignment,
  ExclusionGroupAssignmentTarget,
  GroupAssignmentTarget,
  IosCompliancePolicy,
  IosGeneralDeviceConfiguration,
  MobileAppAssignment,
} from '@microsoft/microsoft-graph-types';

/**
 * Request bodies for Microsoft Graph, built on the published v1.0 types of
 * `@microsoft/microsoft-graph-types`. Those types leave out `@odata.type`, which Graph needs on
 * every body and assignment target whose type is one of several derived types, so it is added here.
 */
export type ODataTyped<T, Name extends string> = T & { '@odata.type': Name };

/*
 * Beta-only fields, each as the Graph beta reference documents it
 * (microsoftgraph/microsoft-graph-docs-contrib @022b186, api-reference/beta/resources/):
 * - intune-deviceconfig-ioscompliancepolicy.md and intune-deviceconfig-androidcompliancepolicy.md:
 *   `restrictedApps` (appListItem collection) "Require the device to not have the specified apps
 *   installed. This collection can contain a maximum of 100 elements." The v1.0 pages and types lack it.
 * - intune-deviceconfig-androiddeviceownergeneraldeviceconfiguration.md (no v1.0 type at all):
 *   `personalProfilePlayStoreMode` (`notConfigured`, `blockedApps`, `allowedApps`) and
 *   `personalProfilePersonalApplications` (appListItem collection, at most 500): "Policy applied to
 *   applications in the personal profile".
 */
export interface BetaRestrictedApps {
  restrictedApps?: AppListItem[] | null;
}
export type BetaIosCompliancePolicy = IosCompliancePolicy & BetaRestrictedApps;
export type BetaAndroidCompliancePolicy = AndroidCompliancePolicy & BetaRestrictedApps;
export type PersonalProfilePersonalPlayStoreMode = 'notConfigured' | 'blockedApps' | 'allowedApps';
export interface BetaAndroidDeviceOwnerGeneralDeviceConfiguration extends DeviceConfiguration {
  personalProfilePlayStoreMode?: PersonalProfilePersonalPlayStoreMode;
  personalProfilePersonalApplications?: AppListItem[] | null;
}

export const GRAPH_LIMITS = {
  /** iosGeneralDeviceConfiguration.appsVisibilityList and compliantAppsList (v1.0 types). */
  iosAppList: 10000,
  /** restrictedApps of a compliance policy (beta). */
  restrictedApps: 100,
  /** androidDeviceOwnerGeneralDeviceConfiguration.personalProfilePersonalApplications (beta). */
  personalApplications: 500,
} as const;

export type IosRestrictionsBody = ODataTyped<
  IosGeneralDeviceConfiguration,
  '#microsoft.graph.iosGeneralDeviceConfiguration'
>;
export type IosComplianceBody = ODataTyped<BetaIosCompliancePolicy, '#microsoft.graph.iosCompliancePolicy'>;
export type AndroidPersonalProfileBody = ODataTyped<
  BetaAndroidDeviceOwnerGeneralDeviceConfiguration,
  '#microsoft.graph.androidDeviceOwnerGeneralDeviceConfiguration'
>;
export type AndroidComplianceBody = ODataTyped<
  BetaAndroidCompliancePolicy,
  '#microsoft.graph.androidCompliancePolicy'
>;

export type AssignmentTarget =
  | ODataTyped<AllDevicesAssignmentTarget, '#microsoft.graph.allDevicesAssignmentTarget'>
  | ODataTyped<GroupAssignmentTarget, '#microsoft.graph.groupAssignmentTarget'>
  | ODataTyped<ExclusionGroupAssignmentTarget, '#microsoft.graph.exclusionGroupAssignmentTarget'>;

type Targeted<T> = Omit<T, 'target'> & { target: AssignmentTarget };

/** `POST /deviceManagement/deviceConfigurations/{id}/assign` (intune-deviceconfig-deviceconfiguration-assign.md). */
export interface DeviceConfigurationAssignBody {
  assignments: Targeted<DeviceConfigurationAssignment>[];
}
/** `POST /deviceManagement/deviceCompliancePolicies/{id}/assign`. */
export interface DeviceCompliancePolicyAssignBody {
  assignments: Targeted<DeviceCompliancePolicyAssignment>[];
}
/** `POST /deviceAppManagement/mobileApps/{id}/assign` (intune-apps-mobileapp-assign.md). */
export interface MobileAppAssignBody {
  mobileAppAssignments: Targeted<MobileAppAssignment>[];
}

export type IntuneRequestBody =
  | IosRestrictionsBody
  | IosComplianceBody
  | AndroidPersonalProfileBody
  | AndroidComplianceBody
  | DeviceConfigurationAssignBody
  | DeviceCompliancePolicyAssignBody
  | MobileAppAssignBody;

export interface GraphRequest<Body extends IntuneRequestBody = IntuneRequestBody> {
  /** Names the request so later ones can refer to the id it returns (`{{id:<request id>}}`). */
  id: string;
  method: 'POST';
  url: string;
  body: Body;
}

/** The one file the `intune` target writes. */
export interface IntuneRequestsFile {
  ban: { id: string; title: string; revision: string };
  /** Every `{{...}}` token in the requests, with what the operator must put in its place. */
  placeholders: Record<string, string>;
  requests: GraphRequest[];
}
