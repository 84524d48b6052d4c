// Stora ärenden in Azure: docs/deploy.md walks through it, command by command.
//
// One resource group holds:
//   - a user-assigned managed identity: the app's identity for everything but the
//     Bot Framework (pulls the image, reads and writes bot state, edits the workbook
//     through Microsoft Graph), so no key or password of those is stored anywhere;
//   - a container registry the image is built into (`az acr build`);
//   - a storage account with one private blob container for the bot's state;
//   - a Log Analytics workspace for the container's JSON logs;
//   - an App Service plan (Linux) and the web app that runs the container;
//   - the Azure Bot, single tenant, with the Microsoft Teams channel.
//
// Why App Service and not Container Apps: the bot runs as exactly one, always-on
// instance (the stall notices are scanned in-process and the Graph workbook session
// is kept in memory), so Container Apps' scale to zero buys nothing; App Service
// gives that instance for a fixed, low price (B1), restarts it on a failing
// /healthz, has a built-in log stream, and needs no separate environment resource.

targetScope = 'resourceGroup'

@description('Prefix of every resource name: lower-case letters and digits.')
@minLength(3)
@maxLength(12)
param name string = 'storaarenden'

@description('Region of every regional resource.')
param location string = resourceGroup().location

@description('Application (client) ID of the bot\'s single-tenant app registration (docs/setup.md, step 1).')
@minLength(36)
@maxLength(36)
param botAppId string

@description('A client secret of that app registration. Pass it on the command line; never in a file.')
@secure()
param botAppPassword string

@description('Tenant of the app registration and of the Backoffice team.')
param tenantId string = tenant().tenantId

@description('The Backoffice team (19:…@thread.tacv2, or its Microsoft 365 group id): only its members are served. Required: the bot will not start without it (README, Privacy and access).')
@minLength(1)
param teamId string

@description('The workbook\'s drive id (the team\'s document library, b!…) and item id (01…): docs/setup.md, step 2. The way to name it that Sites.Selected allows.')
param workbookDriveId string = ''
param workbookItemId string = ''

@description('Instead of the two ids: the team\'s Microsoft 365 group id, the folder and the file name. Looking the file up this way needs Files.Read.All or more. With neither, the bot keeps a local workbook in the container: a trial only, lost on restart.')
param workbookGroupId string = ''
param workbookFolder string = 'Backoffice'
param workbookFileName string = 'Stora ärenden.xlsx'

@description('Tag of the image in the registry to run (`az acr build -t stora-arenden:<tag>`).')
param imageTag string = 'latest'

@description('App Service plan size. B1 is enough for one team.')
@allowed(['B1', 'B2', 'B3', 'S1', 'P0v3', 'P1v3'])
param appServiceSku string = 'B1'

@description('Azure Bot pricing tier. Teams is a standard channel: F0 (free) is enough.')
@allowed(['F0', 'S1'])
param botSku string = 'F0'

@description('Log level of the bot: DEBUG, INFO, WARNING.')
@allowed(['DEBUG', 'INFO', 'WARNING'])
param logLevel string = 'INFO'

@description('Days the logs are kept in Log Analytics.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

var suffix = uniqueString(resourceGroup().id, name)
var siteName = '${name}-${suffix}'
var registryName = '${name}${suffix}'
var storageName = take('${name}${suffix}', 24)
var stateContainerName = 'stora-arenden-state'
var imageName = 'stora-arenden'

// Built-in role definitions.
var roles = {
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-identity'
  location: location
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: registryName
  location: location
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
  }
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, identity.id, roles.acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: stateContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource stateWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageBlobDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
    capacity: 1
  }
  properties: {
    reserved: true
  }
}

// Where Graph finds the workbook: by its ids, else by group, folder and name, else nowhere (local).
var workbookByIds = [
  { name: 'STORA_GRAPH_DRIVE_ID', value: workbookDriveId }
  { name: 'STORA_GRAPH_ITEM_ID', value: workbookItemId }
]
var workbookByPath = [
  { name: 'STORA_GRAPH_GROUP_ID', value: workbookGroupId }
  { name: 'STORA_GRAPH_FOLDER', value: workbookFolder }
  { name: 'STORA_GRAPH_FILE', value: workbookFileName }
]
var workbookLocation = empty(workbookDriveId) ? (empty(workbookGroupId) ? [] : workbookByPath) : workbookByIds
var graphSettings = empty(workbookLocation) ? [] : concat(workbookLocation, [
  { name: 'STORA_GRAPH_CREDENTIAL', value: 'managed-identity' }
])

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: siteName
  location: location
  kind: 'app,linux,container'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'DOCKER|${registry.properties.loginServer}/${imageName}:${imageTag}'
      acrUseManagedIdentityCreds: true
      acrUserManagedIdentityID: identity.properties.clientId
      alwaysOn: true
      healthCheckPath: '/healthz'
      numberOfWorkers: 1
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: concat([
        { name: 'WEBSITES_PORT', value: '3978' }
        { name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE', value: 'false' }
        { name: 'MicrosoftAppId', value: botAppId }
        { name: 'MicrosoftAppPassword', value: botAppPassword }
        { name: 'MicrosoftAppType', value: 'SingleTenant' }
        { name: 'MicrosoftAppTenantId', value: tenantId }
        { name: 'STORA_TEAM_ID', value: teamId }
        { name: 'STORA_LOG_FORMAT', value: 'json' }
        { name: 'STORA_LOG_LEVEL', value: logLevel }
        { name: 'STORA_SHUTDOWN_TIMEOUT', value: '8' }
        { name: 'STORA_STORAGE', value: 'blob' }
        { name: 'STORA_BLOB_ACCOUNT_URL', value: storage.properties.primaryEndpoints.blob }
        { name: 'STORA_BLOB_CONTAINER', value: stateContainerName }
        // The managed identity, for azure-identity (bot state, Graph).
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
      ], graphSettings)
    }
  }
  dependsOn: [
    acrPull
    stateWriter
  ]
}

// No FTP or Kudu publishing with a password: images come from the registry only.
resource ftpOff 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmOff 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource siteLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: logs.id
    logs: [
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
    ]
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${name}-bot-${suffix}'
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: 'Stora ärenden'
    endpoint: 'https://${site.properties.defaultHostName}/api/messages'
    msaAppId: botAppId
    msaAppType: 'SingleTenant'
    msaAppTenantId: tenantId
    publicNetworkAccess: 'Enabled'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      acceptedTerms: true
      deploymentEnvironment: 'CommercialDeployment'
    }
  }
}

@description('Host name of the bot: STORA_BOT_DOMAIN for `make package`.')
output botHost string = site.properties.defaultHostName
@description('Messaging endpoint the Azure Bot calls.')
output botEndpoint string = bot.properties.endpoint
@description('Name of the web app (logs, restart).')
output siteName string = site.name
@description('Registry to build the image into: `az acr build -r <this>`.')
output registryName string = registry.name
@description('Client id of the managed identity (AZURE_CLIENT_ID).')
output identityClientId string = identity.properties.clientId
@description('Object id of the managed identity\'s service principal: grant it Graph Sites.Selected (docs/setup.md, step 3).')
output identityPrincipalId string = identity.properties.principalId
@description('Storage account of the bot state.')
output storageAccountName string = storage.name
