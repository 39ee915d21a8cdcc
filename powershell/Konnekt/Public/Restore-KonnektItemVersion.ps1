function Restore-KonnektItemVersion {
    <#
    .SYNOPSIS
    Makes an earlier version of a file the current version.
    .DESCRIPTION
    Calls item.restoreVersion. SharePoint keeps the current version in the history, so nothing is
    lost; the file in the mount shows the restored content afterwards. Asks for confirmation
    unless -Force (or -Confirm:$false) is given.
    .PARAMETER Path
    Local path or namespace path of the file. Accepts pipeline input by property name.
    .PARAMETER Version
    The version label, e.g. 3.0. Accepts pipeline input by property name (Label of
    Konnekt.ItemVersion objects).
    .PARAMETER Force
    Restore without asking for confirmation.
    .PARAMETER WhatIf
    Shows what would happen without restoring.
    .PARAMETER Confirm
    Asks for confirmation before restoring.
    .EXAMPLE
    Restore-KonnektItemVersion -Path ~/Marketing/Plan.docx -Version 3.0

    Restores version 3.0 of Plan.docx after confirmation.
    .EXAMPLE
    Get-KonnektItemVersion ~/Marketing/Plan.docx | Select-Object -Index 1 | Restore-KonnektItemVersion -Force

    Restores the version before the current one without asking.
    .INPUTS
    Konnekt.ItemVersion, or objects with Path and Label properties.
    .OUTPUTS
    Konnekt.Item
    .LINK
    Get-KonnektItemVersion
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    [OutputType('Konnekt.Item')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [ValidateNotNullOrEmpty()]
        [string]$Path,

        [Parameter(Mandatory, Position = 1, ValueFromPipelineByPropertyName)]
        [Alias('Label')]
        [ValidateNotNullOrEmpty()]
        [string]$Version,

        [switch]$Force
    )
    process {
        $itemPath = Resolve-KonnektItemPath -Cmdlet $PSCmdlet -Path $Path
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
        if (-not $PSCmdlet.ShouldProcess($itemPath, "Restore version $Version")) { return }
        try {
            $item = Invoke-KonnektRpc -Method 'item.restoreVersion' -Params ([ordered]@{ path = $itemPath; version = $Version }) -TimeoutSeconds 120
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Path))
            return
        }
        ConvertTo-KonnektObject -InputObject $item -TypeName 'Konnekt.Item'
    }
}
