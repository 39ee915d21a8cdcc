function Set-KonnektConfiguration {
    <#
    .SYNOPSIS
    Changes a Konnekt setting for the current user.
    .DESCRIPTION
    Calls config.set; the daemon validates the value, stores it atomically and applies it.
    A value of the wrong type or out of range fails with an InvalidArgument error (configInvalid);
    a setting fixed by machine policy fails with a PermissionDenied error (policyLocked).
    Pass values with their PowerShell type: numbers as numbers, $true/$false, arrays with @().
    .PARAMETER Key
    The dotted setting name, e.g. logLevel. Accepts pipeline input by property name.
    .PARAMETER Value
    The new value: string, number, boolean, array or hashtable, as the setting requires; $null
    where the setting allows it.
    .PARAMETER PassThru
    Return the updated setting.
    .PARAMETER WhatIf
    Shows what would happen without changing the setting.
    .PARAMETER Confirm
    Asks for confirmation before changing the setting.
    .EXAMPLE
    Set-KonnektConfiguration -Key logLevel -Value debug

    Turns on debug logging.
    .EXAMPLE
    Set-KonnektConfiguration -Key discovery.include -Value @('*/sites/Proj*') -PassThru

    Shows only project sites and returns the new setting.
    .EXAMPLE
    Set-KonnektConfiguration -Key cacheSizeMiB -Value 4096 -WhatIf

    Shows what would change, without changing it.
    .INPUTS
    Objects with a Key property.
    .OUTPUTS
    Konnekt.Setting (with -PassThru).
    .LINK
    Get-KonnektConfiguration
    .LINK
    Reset-KonnektConfiguration
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('Konnekt.Setting')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipelineByPropertyName)]
        [ValidateNotNullOrEmpty()]
        [string]$Key,

        [Parameter(Mandatory, Position = 1)]
        [AllowNull()]
        [AllowEmptyString()]
        [AllowEmptyCollection()]
        [object]$Value,

        [switch]$PassThru
    )
    process {
        $shown = if ($null -eq $Value) { 'null' } else { ConvertTo-Json -InputObject $Value -Depth 10 -Compress }
        if (-not $PSCmdlet.ShouldProcess($Key, "Set to $shown")) { return }
        try {
            # $null is a real value here (clientId = null) and is sent as JSON null.
            $setting = Invoke-KonnektRpc -Method 'config.set' -Params ([ordered]@{ key = $Key; value = $Value })
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Key))
            return
        }
        if ($PassThru) { ConvertTo-KonnektObject -InputObject $setting -TypeName 'Konnekt.Setting' }
    }
}
