function Get-KonnektConfiguration {
    <#
    .SYNOPSIS
    Shows Konnekt settings: effective value, default, where the value comes from, and whether
    machine policy locks it.
    .DESCRIPTION
    Without -Key, or with wildcards, lists every setting (config.list). With a key, shows that
    setting (config.get). Source is default, user or policy; Locked settings are fixed by the
    administrator and cannot be changed with Set-KonnektConfiguration.
    .PARAMETER Key
    The dotted setting name, e.g. logLevel or discovery.include; wildcards allowed. Accepts
    pipeline input.
    .EXAMPLE
    Get-KonnektConfiguration

    Lists all settings.
    .EXAMPLE
    Get-KonnektConfiguration -Key 'discovery.*'

    Shows the discovery settings.
    .EXAMPLE
    Get-KonnektConfiguration | Where-Object Locked

    Shows what the administrator fixed by policy.
    .INPUTS
    System.String, or objects with a Key property.
    .OUTPUTS
    Konnekt.Setting
    .LINK
    Set-KonnektConfiguration
    .LINK
    Reset-KonnektConfiguration
    #>
    [CmdletBinding()]
    [OutputType('Konnekt.Setting')]
    param(
        [Parameter(Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [SupportsWildcards()]
        [string]$Key
    )
    process {
        if ($Key -and -not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($Key)) {
            try {
                $setting = Invoke-KonnektRpc -Method 'config.get' -Params @{ key = $Key }
            } catch {
                $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Key))
                return
            }
            ConvertTo-KonnektObject -InputObject $setting -TypeName 'Konnekt.Setting'
            return
        }
        try {
            $result = Invoke-KonnektRpc -Method 'config.list'
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_))
            return
        }
        foreach ($setting in @($result.settings)) {
            if ($null -eq $setting) { continue }
            if ($Key -and $setting.key -notlike $Key) { continue }
            ConvertTo-KonnektObject -InputObject $setting -TypeName 'Konnekt.Setting'
        }
    }
}
