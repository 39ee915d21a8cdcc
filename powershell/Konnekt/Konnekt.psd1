@{
    RootModule = 'Konnekt.psm1'
    ModuleVersion = '0.1.0'
    GUID = '5b0f8f51-8f0e-4a53-9d6c-2f4d6e7b9a10'
    Author = 'Konnekt contributors'
    CompanyName = 'Konnekt'
    Copyright = '(c) Konnekt contributors. MIT License.'
    Description = 'Cmdlets for Konnekt: mount SharePoint Online and OneDrive libraries without sync, check status, manage drives, cache, uploads and settings. Talks to the per-user Konnekt daemon over its local JSON-RPC endpoint.'
    PowerShellVersion = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    FormatsToProcess = @('Konnekt.format.ps1xml')
    FunctionsToExport = @(
        'Add-KonnektPin',
        'Clear-KonnektCache',
        'Connect-Konnekt',
        'Disconnect-Konnekt',
        'Dismount-KonnektDrive',
        'Get-KonnektCache',
        'Get-KonnektConfiguration',
        'Get-KonnektDrive',
        'Get-KonnektItem',
        'Get-KonnektItemVersion',
        'Get-KonnektLibrary',
        'Get-KonnektLog',
        'Get-KonnektSite',
        'Get-KonnektStatus',
        'Get-KonnektTenant',
        'Get-KonnektUpload',
        'Mount-KonnektDrive',
        'New-KonnektSharingLink',
        'Open-KonnektSite',
        'Remove-KonnektPin',
        'Reset-KonnektConfiguration',
        'Restore-KonnektItemVersion',
        'Set-KonnektConfiguration',
        'Start-KonnektDaemon',
        'Stop-KonnektDaemon',
        'Wait-KonnektUpload'
    )
    CmdletsToExport = @()
    AliasesToExport = @()
    VariablesToExport = @()
    PrivateData = @{
        PSData = @{
            Tags = @('SharePoint', 'OneDrive', 'Microsoft365', 'Citrix', 'AVD', 'Mount', 'Linux', 'Windows')
            LicenseUri = 'https://opensource.org/licenses/MIT'
        }
    }
}
